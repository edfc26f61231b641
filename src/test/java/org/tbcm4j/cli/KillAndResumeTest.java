package org.tbcm4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tbcm4j.util.ChildProcess;
import org.tbcm4j.testing.WithManager;

/**
 * The property every long run relies on: a distillation killed with SIGKILL (a child JVM, no shutdown hook
 * runs) and resumed ends with the same bytes as one that was never interrupted.
 */
class KillAndResumeTest extends WithManager {
    @TempDir
    Path tmp;

    private static Process start(Path config, Path runs, String name, boolean resume) {
        List<String> args = new ArrayList<>(List.of("distill", "--config", config.toString(), "--runs", runs.toString(),
                "--name", name));
        if (resume) {
            args.add("--resume");
        }
        return ChildProcess.start(runs.resolveSibling(name + (resume ? "-resume" : "") + ".log"), ChildProcess.Log.REPLACE,
                0, args.toArray(String[]::new));
    }

    @Test
    void aKilledDistillationResumesToTheSameBytes() throws Exception {
        Path teacher = TinyModels.teacher(tmp, m);
        Path config = Files.writeString(tmp.resolve("d.yaml"), DistillYaml.tiny(teacher, 60));
        Path runs = Files.createDirectories(tmp.resolve("runs"));
        assertEquals(0, start(config, runs, "whole", false).waitFor(), Files.readString(tmp.resolve("whole.log")));

        Process victim = start(config, runs, "killed", false);
        Path metrics = runs.resolve("killed/metrics.csv");
        // kill between checkpoints, once the run is well under way (rows are written every step)
        while (victim.isAlive() && (!Files.exists(metrics) || Files.readAllLines(metrics).size() < 24)) {
            Thread.sleep(5);
        }
        assertTrue(victim.isAlive(), "the run ended before it could be killed; give it more steps");
        victim.destroyForcibly();
        victim.waitFor();
        assertFalse(Files.exists(runs.resolve("killed/model.safetensors")), "killed before its end");
        assertEquals(0, start(config, runs, "killed", true).waitFor(), Files.readString(tmp.resolve("killed-resume.log")));
        assertArrayEquals(Files.readAllBytes(runs.resolve("whole/model.safetensors")),
                Files.readAllBytes(runs.resolve("killed/model.safetensors")));
        List<String> whole = Files.readAllLines(runs.resolve("whole/metrics.csv"));
        List<String> resumed = Files.readAllLines(metrics);
        assertEquals(whole.size(), resumed.size(), "one row per step, none lost or repeated");
    }
}
