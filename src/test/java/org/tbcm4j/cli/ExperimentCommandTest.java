package org.tbcm4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tbcm4j.distill.BlankLatent;
import org.tbcm4j.model.ModelFiles;
import org.tbcm4j.testing.WithManager;
import org.tbcm4j.util.Json;

/**
 * tbcm experiment on miniature models: results and summary statistics against a hand computation, an
 * arm given another's measured time, resumption after kill -9 at random moments, and bad plans.
 */
class ExperimentCommandTest extends WithManager {
    @TempDir
    Path tmp;

    private Path config;
    private Path data;
    private String models;

    @BeforeEach
    void writeModels() throws Exception {
        Path teacher = TinyModels.teacher(tmp, m);
        Path ae = TinyModels.autoencoder(tmp, m, 4);
        Path classifier = TinyModels.classifierFile(tmp, m);
        Path reference = TinyModels.reference(tmp, m);
        Path blank = tmp.resolve("blank.safetensors");
        BlankLatent.save(blank, BlankLatent.compute(ModelFiles.autoencoder(ae, m), m));
        data = TinyModels.dataset(tmp.resolve("data"), 64, 10);
        config = tmp.resolve("distill.yaml");
        Files.writeString(config, DistillYaml.tiny(teacher, 4, "filter.reference=" + blank, DistillYaml.dataPairs(ae),
                "training.checkpoint_every=1", "training.snapshot_every=2"));
        models = "  teacher_model: " + teacher + "\n  autoencoder: " + ae + "\n  classifier: " + classifier
                + "\n  reference: " + reference + "\n";
    }

    private Path plan(String name, String seeds, String arms, String evaluationExtra) throws Exception {
        Path p = tmp.resolve(name + ".yaml");
        Files.writeString(p, "name: " + name + "\nreference: traj\nseeds: " + seeds + "\nevaluation:\n  samples: 20\n"
                + "  seed: 7\n  student_steps: [1, 2]\n  guidance: [1.5]\n" + evaluationExtra + models + "arms:\n" + arms);
        return p;
    }

    private static final String TRAJECTORY = "  - name: traj\n    config: CONFIG\n";

    @Test
    void summarisesSeedsAndMatchesAnotherArmsTime() throws Exception {
        Path plan = plan("stats", "[3, 4]", (TRAJECTORY + "  - name: data\n    config: CONFIG\n    set: [method=scm]\n"
                + "  - name: traj-time-of-data\n    like: traj\n    match_time_of: data\n"
                + "    time_scaled: [training.steps]\n").replace("CONFIG", config.toString()),
                "  teacher: [{steps: 2, cfg: 1.5}]\n"
                + "  gap: {prompts: 3, guidance: 1.5, route_steps: 4, route_shift: 2.5, seed: 1}\n");
        Path out = tmp.resolve("out");
        CliHarness.Result r = CliHarness.run("experiment", "--plan", plan.toString(), "--out", out.toString(),
                "--data", data.toString());
        assertEquals(0, r.exitCode(), r.err() + r.out());
        assertTrue(r.out().contains("[7/7 runs]"), r.out());

        // results.csv: one row per run and generator (3 arms × 2 seeds × 2 step counts) and the teacher's
        List<String> csv = Files.readAllLines(out.resolve("results.csv"));
        assertEquals(1 + 3 * 2 * 2 + 1, csv.size(), String.join("\n", csv));

        // the summary's statistics against a hand computation from the result files
        JsonNode summary = Json.JSON.readTree(out.resolve("summary.json").toFile());
        double[] traj = {fd(out, "traj", 3), fd(out, "traj", 4)};
        double[] dat = {fd(out, "data", 3), fd(out, "data", 4)};
        JsonNode trajFd = summary.at("/arms/0/generators/0/fd");
        double mean = (traj[0] + traj[1]) / 2;
        double sd = Math.abs(traj[0] - traj[1]) / Math.sqrt(2);
        double t975df1 = 12.706204736174698;
        assertEquals(mean, trajFd.get("mean").asDouble(), 1e-12);
        assertEquals(sd, trajFd.get("sd").asDouble(), 1e-12);
        assertEquals(mean - t975df1 * sd / Math.sqrt(2), trajFd.get("ci95").get(0).asDouble(), 1e-9);
        assertEquals(mean + t975df1 * sd / Math.sqrt(2), trajFd.get("ci95").get(1).asDouble(), 1e-9);
        JsonNode diff = summary.at("/comparisons/0/generators/0/fd");
        double d0 = dat[0] - traj[0];
        double d1 = dat[1] - traj[1];
        assertEquals((d0 + d1) / 2, diff.get("mean").asDouble(), 1e-12);
        assertEquals(Math.abs(d0 - d1) / Math.sqrt(2), diff.get("sd").asDouble(), 1e-12);
        double half = t975df1 * Math.abs(d0 - d1) / 2;
        assertEquals(Math.abs((d0 + d1) / 2) > half, diff.get("significant").asBoolean());
        assertTrue(Files.readString(out.resolve("summary.md")).contains("student, 1 step, w 1.5"));
        // the time ratio per seed: geometric mean of data/traj over seeds 3 and 4
        double q3 = result(out, "data", 3).at("/training/train_seconds").asDouble()
                / result(out, "traj", 3).at("/training/train_seconds").asDouble();
        double q4 = result(out, "data", 4).at("/training/train_seconds").asDouble()
                / result(out, "traj", 4).at("/training/train_seconds").asDouble();
        JsonNode timeRatio = summary.at("/comparisons/0/cost/train_seconds/paired_ratio");
        assertEquals(Math.sqrt(q3 * q4), timeRatio.get("geometric_mean").asDouble(), 1e-12);
        double logHalf = t975df1 * Math.abs(Math.log(q3) - Math.log(q4)) / 2;
        double upper = Math.sqrt(q3 * q4) * Math.exp(logHalf); // wide here: the tiny runs' times vary a lot
        assertEquals(upper, timeRatio.at("/ci95/1").asDouble(), 1e-9 * upper);

        // the gap: each run's student measured along the same 3 trajectories of K = 4 points
        JsonNode gap = summary.at("/arms/0/gap");
        assertEquals(3, gap.size());
        double e3 = result(out, "traj", 3).at("/gap/0/trajectory_error").asDouble();
        double e4 = result(out, "traj", 4).at("/gap/0/trajectory_error").asDouble();
        assertTrue(e3 > 0 && e3 != e4, e3 + " " + e4);
        assertEquals((e3 + e4) / 2, gap.at("/0/trajectory_error/mean").asDouble(), 1e-12);
        assertEquals(result(out, "data", 3).at("/gap/2/diffusion_error").asDouble() - result(out, "traj", 3)
                .at("/gap/2/diffusion_error").asDouble() + result(out, "data", 4).at("/gap/2/diffusion_error").asDouble()
                - result(out, "traj", 4).at("/gap/2/diffusion_error").asDouble(),
                2 * summary.at("/comparisons/0/gap/2/diffusion_error/mean").asDouble(), 1e-12);
        assertTrue(Files.readString(out.resolve("summary.md")).contains("Gap: consistency error at trajectory points"));
        assertTrue(Files.exists(out.resolve("index.html")));
        assertTrue(Files.exists(out.resolve("charts/fd-student-1-step-w-1.5.png")));
        assertEquals(1, Json.JSON.readTree(out.resolve("results/teacher.json").toFile()).get("rows").size());

        // the matched arm trained for round(4 × time(data) / time(traj)) iterations, seed by seed
        for (long seed : new long[] {3, 4}) {
            double ratio = result(out, "data", seed).at("/training/train_seconds").asDouble()
                    / result(out, "traj", seed).at("/training/train_seconds").asDouble();
            JsonNode matched = result(out, "traj-time-of-data", seed);
            assertEquals(Math.max(1, Math.round(4 * ratio)), matched.at("/config/training/steps").asLong());
            assertEquals(matched.at("/config/training/steps").asLong(), matched.at("/training/iterations").asLong());
        }

        // invoked again, nothing is redone
        CliHarness.Result again = CliHarness.run("experiment", "--plan", plan.toString(), "--out", out.toString(),
                "--data", data.toString());
        assertEquals(0, again.exitCode(), again.err());
        assertTrue(again.out().contains("0 to do"), again.out());
    }

    private static JsonNode result(Path out, String arm, long seed) throws Exception {
        return Json.JSON.readTree(out.resolve("results/" + arm + "/seed-" + seed + ".json").toFile());
    }

    private static double fd(Path out, String arm, long seed) throws Exception {
        for (JsonNode row : result(out, arm, seed).get("rows")) {
            if (row.get("generator").asText().equals("student, 1 step, w 1.5") && row.get("iteration").asLong() == 4) {
                return row.get("fd").asDouble();
            }
        }
        throw new AssertionError("no final 1-step row for " + arm + " seed " + seed);
    }

    @Test
    void killedAtRandomMomentsEndsWithOneResultPerRunAndTheSameWeights() throws Exception {
        Path plan = plan("resume", "[1, 2]", TRAJECTORY.replace("CONFIG", config.toString()),
                "  snapshots: true\n");
        Path straight = tmp.resolve("straight");
        assertEquals(0, CliHarness.run("experiment", "--plan", plan.toString(), "--out", straight.toString()).exitCode());

        Path killed = tmp.resolve("killed");
        List<Long> delays = new ArrayList<>();
        for (int kill = 0; kill < 3; kill++) {
            long delay = ThreadLocalRandom.current().nextLong(1500, 12000);
            delays.add(delay);
            Process p = new ProcessBuilder(javaCommand("experiment", "--plan", plan.toString(), "--out",
                    killed.toString())).redirectErrorStream(true).redirectOutput(tmp.resolve("kill.log").toFile())
                    .start();
            if (!p.waitFor(delay, TimeUnit.MILLISECONDS)) {
                p.destroyForcibly().waitFor();
            }
        }
        Thread.sleep(500); // the children see their parent gone and halt
        CliHarness.Result r = CliHarness.run("experiment", "--plan", plan.toString(), "--out", killed.toString());
        assertEquals(0, r.exitCode(), "kills after " + delays + " ms: " + r.err() + r.out());
        try (Stream<Path> files = Files.walk(killed.resolve("results"))) {
            assertEquals(2, files.filter(f -> f.toString().endsWith(".json")).count(), "kills after " + delays);
        }
        for (long seed : new long[] {1, 2}) {
            String run = "runs/traj/seed-" + seed + "/model.safetensors";
            assertArrayEquals(Files.readAllBytes(straight.resolve(run)), Files.readAllBytes(killed.resolve(run)),
                    "seed " + seed + ", kills after " + delays + " ms");
            assertEquals(result(straight, "traj", seed).get("rows"), result(killed, "traj", seed).get("rows"));
        }
        assertEquals(2 * 2, result(killed, "traj", 1).get("rows").size(), "iterations 2 (a snapshot) and 4, 1 and 2 steps");
    }

    @Test
    void keptScoresAreReusedOnlyForTheSameModelBytesAndEvaluation() throws Exception {
        Path plan = plan("kept", "[1]", TRAJECTORY.replace("CONFIG", config.toString()),
                "  snapshots: true\n  teacher: [{steps: 2, cfg: 1.5}]\n");
        Path out = tmp.resolve("kept");
        assertEquals(0, CliHarness.run("experiment", "--plan", plan.toString(), "--out", out.toString()).exitCode());
        Path result = out.resolve("results/traj/seed-1.json");
        Path kept = out.resolve("runs/traj/seed-1/scores/iteration-0000002.json");
        Path snapshot = out.resolve("runs/traj/seed-1/snapshots/step-0000002.safetensors");
        Path last = out.resolve("runs/traj/seed-1/model.safetensors");

        // a kept score stands for its model: rescoring is skipped, so a marked value comes through
        markFirstFd(kept, 123.0);
        Files.delete(result);
        assertEquals(0, CliHarness.run("experiment", "--plan", plan.toString(), "--out", out.toString()).exitCode());
        assertEquals(123.0, fdOf(result, 2, 1), 0.0);

        // other model bytes under the same name: scored again (the snapshot now holds the final weights)
        Files.copy(last, snapshot, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.delete(result);
        assertEquals(0, CliHarness.run("experiment", "--plan", plan.toString(), "--out", out.toString()).exitCode());
        assertEquals(fdOf(result, 4, 1), fdOf(result, 2, 1), 0.0);

        // another evaluation: scored again
        markFirstFd(kept, 123.0);
        Files.writeString(plan, Files.readString(plan).replace("samples: 20", "samples: 30"));
        assertEquals(0, CliHarness.run("experiment", "--plan", plan.toString(), "--out", out.toString()).exitCode());
        assertTrue(fdOf(result, 2, 1) != 123.0, "rescored with the new evaluation");

        // a guidance response added to the evaluation: the run is redone, its scores kept, the response measured
        markFirstFd(kept, 123.0);
        Files.writeString(plan, Files.readString(plan).replace("  snapshots: true\n",
                "  snapshots: true\n  guidance_response: {low: 1.0, high: 3.0, samples: 10, teacher_steps: 2}\n"));
        CliHarness.Result added = CliHarness.run("experiment", "--plan", plan.toString(), "--out", out.toString());
        assertEquals(0, added.exitCode(), added.err());
        assertTrue(added.out().contains("1 to do"), "the run's result is redone, the teacher's kept: " + added.out());
        assertEquals(123.0, fdOf(result, 2, 1), 0.0, "the scores do not depend on the guidance response");
        JsonNode response = Json.JSON.readTree(result.toFile()).get("guidance_response");
        double student = response.get("student_distance").asDouble();
        double teacher = response.get("teacher_distance").asDouble();
        assertTrue(student > 0 && teacher > 0, response.toString());
        assertEquals(student / teacher, response.get("fraction").asDouble(), 1e-12);
        assertTrue(Files.readString(out.resolve("summary.md")).contains("Guidance response: the student's move from w 1 "
                + "to 3"), "summary.md");
        // the teacher's move is measured once per plan and kept: a kept value is what the next run uses
        Path teacherMove = out.resolve("guidance-response-teacher.json");
        com.fasterxml.jackson.databind.node.ObjectNode t =
                (com.fasterxml.jackson.databind.node.ObjectNode) Json.JSON.readTree(teacherMove.toFile());
        assertEquals(teacher, t.get("distance").asDouble(), 0.0);
        t.put("distance", 2 * teacher);
        Files.writeString(teacherMove, Json.JSON.writeValueAsString(t));
        Files.delete(result);
        assertEquals(0, CliHarness.run("experiment", "--plan", plan.toString(), "--out", out.toString()).exitCode());
        assertEquals(student / (2 * teacher), Json.JSON.readTree(result.toFile()).at("/guidance_response/fraction")
                .asDouble(), 1e-12);
    }

    private static void markFirstFd(Path kept, double fd) throws Exception {
        com.fasterxml.jackson.databind.node.ObjectNode json =
                (com.fasterxml.jackson.databind.node.ObjectNode) Json.JSON.readTree(kept.toFile());
        ((com.fasterxml.jackson.databind.node.ObjectNode) json.get("rows").get(0)).put("fd", fd);
        Files.writeString(kept, Json.JSON.writeValueAsString(json));
    }

    private static double fdOf(Path result, long iteration, int steps) throws Exception {
        for (JsonNode row : Json.JSON.readTree(result.toFile()).get("rows")) {
            if (row.get("iteration").asLong() == iteration && row.get("steps").asInt() == steps) {
                return row.get("fd").asDouble();
            }
        }
        throw new AssertionError("no row for iteration " + iteration + ", " + steps + " steps in " + result);
    }

    private static List<String> javaCommand(String... args) {
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-Dai.djl.offline=true", "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(List.of(args));
        return command;
    }

    @Test
    void evaluationNoiseScoresPrefixesOfOneSetPerSeedAsSeparateEvaluationsWould() throws Exception {
        String teacher = models.lines().filter(l -> l.contains("teacher_model")).findFirst().orElseThrow().split(": ")[1];
        String[] common = {"--model", teacher, "--steps", "2", "--cfg", "1.5", "--autoencoder",
            tmp.resolve("ae4.safetensors").toString(), "--classifier", tmp.resolve("classifier.safetensors").toString(),
            "--reference", tmp.resolve("reference.safetensors").toString()};
        List<String> args = new ArrayList<>(List.of("eval-noise", "--sample-counts", "20,40", "--noise-seeds", "2",
                "--seed", "11", "--out", tmp.resolve("noise").toString()));
        args.addAll(List.of(common));
        CliHarness.Result r = CliHarness.run(args.toArray(String[]::new));
        assertEquals(0, r.exitCode(), r.err() + r.out());
        JsonNode rows = Json.JSON.readTree(tmp.resolve("noise/eval-noise.json").toFile()).get("rows");
        assertEquals(4, rows.size());
        for (JsonNode row : rows) {
            List<String> eval = new ArrayList<>(List.of("eval", "--samples", row.get("samples").asText(), "--seed",
                    row.get("noise_seed").asText(), "--json"));
            eval.addAll(List.of(common));
            CliHarness.Result e = CliHarness.run(eval.toArray(String[]::new));
            assertEquals(0, e.exitCode(), e.err());
            JsonNode json = Json.JSON.readTree(e.out().substring(e.out().indexOf('{')));
            // the same samples; features differ only by float rounding of batches of another size
            assertEquals(json.get("fd").asDouble(), row.get("fd").asDouble(), 1e-6 * json.get("fd").asDouble(),
                    row.toString());
            assertEquals(json.get("class_accuracy").asDouble(), row.get("class_accuracy").asDouble(), 0.0);
        }
        assertTrue(Files.readString(tmp.resolve("noise/eval-noise.md")).contains("| 40 | 2 |"));
    }

    @Test
    void anArmWithItsOwnSeedsRunsThemAndIsComparedOverTheSharedOnes() throws Exception {
        Path plan = plan("arm-seeds", "[1]", (TRAJECTORY + "  - name: more\n    like: traj\n    seeds: [2, 1]\n")
                .replace("CONFIG", config.toString()), "");
        Path out = tmp.resolve("arm-seeds");
        CliHarness.Result r = CliHarness.run("experiment", "--plan", plan.toString(), "--out", out.toString(),
                "--data", data.toString());
        assertEquals(0, r.exitCode(), r.err() + r.out());
        assertTrue(r.out().contains("3 runs (2 arms × their seeds)"), r.out());
        assertTrue(Files.exists(out.resolve("results/traj/seed-1.json")));
        assertFalse(Files.exists(out.resolve("results/traj/seed-2.json")), "traj has the plan's seeds only");
        assertTrue(Files.exists(out.resolve("results/more/seed-1.json")));
        assertTrue(Files.exists(out.resolve("results/more/seed-2.json")));
        JsonNode summary = Json.JSON.readTree(out.resolve("summary.json").toFile());
        assertEquals("[2,1]", summary.at("/arm_seeds/more").toString());
        assertEquals(2, summary.at("/arms/1/runs").asInt());
        // the comparison more − traj has one shared seed: its mean is that seed's difference
        double d = fd(out, "more", 1) - fd(out, "traj", 1);
        assertEquals(d, summary.at("/comparisons/0/generators/0/fd/mean").asDouble(), 1e-12);
        assertTrue(Files.readString(out.resolve("summary.md")).contains("Seeds [1], arm `more` [2, 1]"));
    }

    @Test
    void aLaddArmRecordsHowHardItsAdversaryPulled() throws Exception {
        Path withLadd = tmp.resolve("sana-sprint.yaml");
        com.fasterxml.jackson.databind.node.ObjectNode tree =
                (com.fasterxml.jackson.databind.node.ObjectNode) Json.YAML.readTree(config.toFile());
        tree.put("method", "sana_sprint");
        tree.set("ladd", Json.YAML.readTree("enabled: true\nhead_block_ids: [0]\nadv_lambda: 0.5\nscm_lambda: 1.0\n"
                + "loss: hinge\nt_mean: -0.6\nt_std: 1.0\nlargest_timestep_prob: 0.5\nmisaligned: true\n"));
        Json.YAML.writeValue(withLadd.toFile(), tree);
        Path plan = plan("ladd", "[1]", TRAJECTORY.replace("CONFIG", config.toString()) + "  - name: ladd\n    config: "
                + withLadd + "\n", "");
        Path out = tmp.resolve("ladd");
        CliHarness.Result r = CliHarness.run("experiment", "--plan", plan.toString(), "--out", out.toString(),
                "--data", data.toString());
        assertEquals(0, r.exitCode(), r.err() + r.out());
        // recomputed here from the run's metrics.csv: the median gradient ratio over the rows, and the mean
        // logits over the last 100 iterations (every row of so short a run)
        List<String> lines = Files.readAllLines(out.resolve("runs/ladd/seed-1/metrics.csv"));
        List<String> header = List.of(lines.get(0).split(","));
        List<Double> ratios = new ArrayList<>();
        double real = 0;
        double fake = 0;
        for (String line : lines.subList(1, lines.size())) {
            String[] cells = line.split(",", -1);
            ratios.add(Double.parseDouble(cells[header.indexOf("grad_norm_auxiliary")])
                    / Double.parseDouble(cells[header.indexOf("grad_norm_consistency")]));
            real += Double.parseDouble(cells[header.indexOf("discriminator_real_logit")]) / (lines.size() - 1);
            fake += Double.parseDouble(cells[header.indexOf("discriminator_fake_logit")]) / (lines.size() - 1);
        }
        ratios.sort(null);
        int n = ratios.size();
        double median = n % 2 == 1 ? ratios.get(n / 2) : (ratios.get(n / 2 - 1) + ratios.get(n / 2)) / 2;
        assertTrue(n >= 2 && median > 0, lines.toString());
        JsonNode training = Json.JSON.readTree(out.resolve("results/ladd/seed-1.json").toFile()).get("training");
        assertEquals(median, training.get("adversary_gradient_ratio").asDouble(), 1e-12);
        assertEquals(real, training.get("discriminator_real_logit").asDouble(), 1e-9);
        assertEquals(fake, training.get("discriminator_fake_logit").asDouble(), 1e-9);
        assertEquals(real - fake, training.get("discriminator_logit_gap").asDouble(), 1e-9);
        JsonNode without = Json.JSON.readTree(out.resolve("results/traj/seed-1.json").toFile()).get("training");
        assertFalse(without.has("adversary_gradient_ratio"), "an arm without LADD has no adversary");
        JsonNode summary = Json.JSON.readTree(out.resolve("summary.json").toFile());
        assertFalse(summary.at("/arms/0").has("adversary"));
        assertEquals(median, summary.at("/arms/1/adversary/adversary_gradient_ratio/mean").asDouble(), 1e-12);
        assertEquals(real - fake, summary.at("/arms/1/adversary/discriminator_logit_gap/per_seed/1").asDouble(), 1e-9);
        assertTrue(Files.readString(out.resolve("summary.md")).contains("LADD's adversary"), "summary.md");
    }

    @Test
    void anArmWithStoreShardsTrainsFromItsOwnStoreWithoutTheTeacher() throws Exception {
        Path plan = plan("store", "[1]", (TRAJECTORY + "  - name: from-store\n    like: traj\n    store_shards: 2\n")
                .replace("CONFIG", config.toString()), "");
        Path out = tmp.resolve("store");
        CliHarness.Result r = CliHarness.run("experiment", "--plan", plan.toString(), "--out", out.toString(),
                "--data", data.toString());
        assertEquals(0, r.exitCode(), r.err() + r.out());
        Path store = out.resolve("runs/from-store/seed-1/store");
        assertTrue(Files.exists(store.resolve("manifest.json")) && Files.exists(store.resolve("shard-00000.json"))
                && Files.exists(store.resolve("shard-00001.json")), "the run's store has its two shards");
        JsonNode fromStore = Json.JSON.readTree(out.resolve("results/from-store/seed-1.json").toFile());
        JsonNode online = Json.JSON.readTree(out.resolve("results/traj/seed-1.json").toFile());
        assertEquals(2, fromStore.at("/trajectory_store/shards").asInt());
        assertTrue(fromStore.at("/trajectory_store/write_seconds").asDouble() > 0, fromStore.toString());
        // the trainer never evaluated the teacher; the online run did, for the same pairs
        assertEquals(0, fromStore.at("/training/teacher_evaluations").asDouble(), fromStore.toString());
        assertTrue(online.at("/training/teacher_evaluations").asDouble() > 0, online.toString());
        // the result's config is the plan's (the store is the run's own, not a setting of the arm)
        assertEquals(online.get("config"), fromStore.get("config"));
        assertFalse(online.has("trajectory_store"));
        assertTrue(Files.readString(out.resolve("runs/from-store/seed-1/config.yaml")).contains(store.toString()));
    }

    @Test
    void badPlansFailWithOneLineNamingTheProblem() throws Exception {
        String arm = TRAJECTORY.replace("CONFIG", config.toString());
        assertOneLine(plan("a", "[1]", arm + "    confg: x\n", ""), "unknown field 'arms[0].confg'");
        assertOneLine(plan("b", "[]", arm, ""), "seeds must list at least one seed");
        assertOneLine(plan("c", "[1]", arm + "    set: [training.stepz=3]\n", ""), "unknown key 'training.stepz'");
        assertOneLine(plan("d", "[1]", arm + "  - name: x\n    like: nobody\n", ""), "refers to arm 'nobody'");
        assertOneLine(plan("e", "[1, 1]", arm, ""), "seeds must be distinct");
        assertOneLine(plan("s", "[1]", arm + "    store_shards: 0\n", ""), "store_shards must be in 1..10000, got 0");
        assertOneLine(plan("f", "[1]", arm + "  - name: traj\n    config: " + config + "\n", ""), "named twice");
        assertOneLine(plan("g", "[1]", arm + "    seeds: [2, 2]\n", ""), "arm 'traj': seeds must be distinct");
        assertOneLine(plan("h", "[1]", arm + "  - name: t\n    like: traj\n    match_time_of: traj\n"
                + "    seeds: [1, 2]\n", ""), "arm 'traj' needs its seeds [1, 2], it has [1]");
    }

    @Test
    void aFailingRunIsReportedAndTheOthersStillRun() throws Exception {
        Path plan = plan("fails", "[1]", (TRAJECTORY + "  - name: broken\n    like: traj\n"
                + "    set: [teacher=/nonexistent/teacher.safetensors]\n"
                + "  - name: waits\n    like: traj\n    match_time_of: broken\n    time_scaled: [training.steps]\n")
                .replace("CONFIG", config.toString()), "");
        Path out = tmp.resolve("fails");
        CliHarness.Result r = CliHarness.run("experiment", "--plan", plan.toString(), "--out", out.toString());
        assertEquals(1, r.exitCode(), r.out());
        assertEquals("tbcm: error: 2 runs failed (logs under " + out.resolve("logs") + "); run the same command again "
                + "to retry them", r.err().strip());
        assertTrue(r.out().contains("broken seed 1: FAILED"), r.out());
        assertTrue(r.out().contains("waits seed 1: FAILED: not run: it takes its training time from broken seed 1, "
                + "which failed"), r.out());
        assertFalse(Files.exists(out.resolve("logs/waits-seed-1.log")), "a run that waits on a failed one never starts");
        assertTrue(Files.exists(out.resolve("results/traj/seed-1.json")), "the other arm ran");
        assertTrue(Files.readString(out.resolve("logs/broken-seed-1.log")).contains("/nonexistent/teacher.safetensors"));
    }

    private void assertOneLine(Path plan, String expected) {
        CliHarness.Result r = CliHarness.run("experiment", "--plan", plan.toString(), "--out",
                tmp.resolve("bad").toString());
        assertEquals(1, r.exitCode(), r.out() + r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains(expected), r.err());
        assertFalse(Files.exists(tmp.resolve("bad")), "nothing is written for a bad plan");
    }
}
