package org.tbcm4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tbcm4j.distill.BlankLatent;
import org.tbcm4j.model.ModelFiles;
import org.tbcm4j.testing.WithManager;
import org.tbcm4j.util.Backend;

/**
 * The trajectory store: written by one worker or by three, or by a worker killed and run again, it is the
 * same bytes; a student distilled from it is the online student, bit for bit; a store of another teacher,
 * of other rollout settings or with too few shards is refused in one line.
 */
class RolloutsCommandTest extends WithManager {
    @TempDir
    Path tmp;

    private Path config(Path teacher, String... sets) throws Exception {
        Path ae = TinyModels.autoencoder(tmp, m, 4);
        Path blank = tmp.resolve("blank.safetensors");
        BlankLatent.save(blank, BlankLatent.compute(ModelFiles.autoencoder(ae, m), m));
        List<String> all = new ArrayList<>(List.of("filter.enabled=true", "filter.threshold=0.3",
                "filter.reference=" + blank, "guidance_scales=[1.0, 2.0]", "training.checkpoint_every=3"));
        all.addAll(List.of(sets));
        Path c = tmp.resolve("d" + all.hashCode() + ".yaml");
        Files.writeString(c, DistillYaml.tiny(teacher, 6, all.toArray(String[]::new)));
        return c;
    }

    /** Every file of a store but the workers' logs, by name, with its bytes. */
    private static java.util.Map<String, byte[]> files(Path store) throws Exception {
        java.util.Map<String, byte[]> out = new java.util.TreeMap<>();
        try (Stream<Path> s = Files.list(store)) {
            for (Path f : s.toList()) {
                String name = f.getFileName().toString();
                if (!name.endsWith(".log") && !name.startsWith(".")) {
                    out.put(name, Files.readAllBytes(f));
                }
            }
        }
        return out;
    }

    private static void assertSameStore(Path a, Path b, String what) throws Exception {
        java.util.Map<String, byte[]> fa = files(a);
        java.util.Map<String, byte[]> fb = files(b);
        assertEquals(fa.keySet(), fb.keySet(), what);
        for (String name : fa.keySet()) {
            assertArrayEquals(fa.get(name), fb.get(name), what + ": " + name);
        }
    }

    @Test
    void oneWorkerThreeWorkersAndAKilledWorkerWriteTheSameStoreAndItTrainsTheOnlineStudent() throws Exception {
        Path teacher = TinyModels.teacher(tmp, m);
        Path cfg = config(teacher);
        Path one = tmp.resolve("one");
        CliHarness.Result r = CliHarness.run("rollouts", "--config", cfg.toString(), "--out", one.toString(), "--of", "3");
        assertEquals(0, r.exitCode(), r.err() + r.out());
        assertEquals(7, files(one).size(), "a manifest, and a shard file and its record per shard: " + files(one).keySet());
        Path three = tmp.resolve("three");
        r = CliHarness.run("rollouts", "--config", cfg.toString(), "--out", three.toString(), "--of", "3", "--jobs", "3");
        assertEquals(0, r.exitCode(), r.err() + r.out());
        assertSameStore(one, three, "1 worker against 3");

        // a worker killed at a random moment, then the same command again
        Path killed = tmp.resolve("killed");
        long delay = ThreadLocalRandom.current().nextLong(1000, 6000);
        Process p = new ProcessBuilder(javaCommand("rollouts", "--config", cfg.toString(), "--out", killed.toString(),
                "--of", "3")).redirectErrorStream(true).redirectOutput(tmp.resolve("kill.log").toFile()).start();
        if (!p.waitFor(delay, TimeUnit.MILLISECONDS)) {
            p.destroyForcibly().waitFor();
        }
        r = CliHarness.run("rollouts", "--config", cfg.toString(), "--out", killed.toString(), "--of", "3");
        assertEquals(0, r.exitCode(), "killed after " + delay + " ms: " + r.err() + r.out());
        assertSameStore(one, killed, "killed after " + delay + " ms and rerun");
        // a rerun of a finished store writes nothing
        r = CliHarness.run("rollouts", "--config", cfg.toString(), "--out", one.toString(), "--of", "3");
        assertEquals(3, r.out().lines().filter(l -> l.endsWith("written already")).count(), r.out());

        // the student from the store is the online student, byte for byte, when both run on one thread as the
        // store's rollouts did (on more threads they differ by rounding only)
        Path runs = tmp.resolve("runs");
        assertEquals(0, Backend.singleThreaded(() -> CliHarness.run("distill", "--config", cfg.toString(), "--runs",
                runs.toString(), "--name", "online")).exitCode());
        CliHarness.Result fromStore = Backend.singleThreaded(() -> CliHarness.run("distill", "--config", cfg.toString(),
                "--runs", runs.toString(), "--name", "stored", "--pairs", "store:" + three));
        assertEquals(0, fromStore.exitCode(), fromStore.err() + fromStore.out());
        assertArrayEquals(Files.readAllBytes(runs.resolve("online/model.safetensors")),
                Files.readAllBytes(runs.resolve("stored/model.safetensors")));
        List<String> metrics = Files.readAllLines(runs.resolve("stored/metrics.csv"));
        int column = List.of(metrics.get(0).split(",")).indexOf("teacher_evaluations_per_pair");
        assertEquals(0.0, Double.parseDouble(metrics.get(1).split(",")[column]), "no teacher calls while training");

        // refusals, each in one line: other rollouts, too few shards (another teacher: the next test)
        assertRefused(CliHarness.run("distill", "--config", cfg.toString(), "--runs", runs.toString(), "--name", "y",
                "--pairs", "store:" + three, "--set", "guidance_scales=[1.5]"), "was written with guidance_scales");
        assertRefused(CliHarness.run("distill", "--config", cfg.toString(), "--runs", runs.toString(), "--name", "z",
                "--pairs", "store:" + three, "--steps", "9"), "lacks 2 of the 5 shards this run's 9 iterations need");
    }

    @Test
    void aStoreOfAnotherTeacherIsRefusedInOneLine() throws Exception {
        Path teacher = TinyModels.teacher(tmp, m);
        Path cfg = config(teacher);
        Path store = tmp.resolve("store");
        assertEquals(0, CliHarness.run("rollouts", "--config", cfg.toString(), "--out", store.toString(), "--of", "1",
                "--set", "training.steps=1").exitCode());
        // another teacher: the same architecture, one weight changed
        byte[] bytes = Files.readAllBytes(teacher);
        bytes[bytes.length - 1] ^= 1;
        Path foreign = tmp.resolve("foreign.safetensors");
        Files.write(foreign, bytes);
        assertRefused(CliHarness.run("distill", "--config", cfg.toString(), "--runs", tmp.resolve("runs").toString(),
                "--pairs", "store:" + store, "--set", "teacher=" + foreign, "--steps", "1"),
                "holds another teacher's rollouts");
        assertRefused(CliHarness.run("rollouts", "--config", cfg.toString(), "--out", store.toString(), "--of", "1",
                "--set", "teacher=" + foreign), "holds another teacher's rollouts");
    }

    private static void assertRefused(CliHarness.Result r, String fragment) {
        assertEquals(1, r.exitCode(), r.out() + r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains(fragment), r.err());
    }

    private static List<String> javaCommand(String... args) {
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-Dai.djl.offline=true", "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(List.of(args));
        return command;
    }
}
