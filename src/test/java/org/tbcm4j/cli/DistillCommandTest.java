package org.tbcm4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tbcm4j.checkpoint.ModelFile;
import org.tbcm4j.distill.BlankLatent;
import org.tbcm4j.model.ModelFiles;
import org.tbcm4j.testing.WithManager;
import org.tbcm4j.util.Json;

/** distill end to end on miniature models, image-free and data-based, and its refusals of bad input. */
class DistillCommandTest extends WithManager {
    @TempDir
    Path tmp;
    private Path teacher;
    private Path ae;
    private Path blank;

    @BeforeEach
    void models() {
        teacher = TinyModels.teacher(tmp, m);
        ae = TinyModels.autoencoder(tmp, m, 4);
        blank = tmp.resolve("blank.safetensors");
        BlankLatent.save(blank, BlankLatent.compute(ModelFiles.autoencoder(ae, m), m));
    }

    private Path config(String overrides) throws IOException {
        String yaml = "name: d\nseed: 5\nteacher: " + teacher + "\nmethod: tbcm\nprompts_per_iteration: 2\n"
                + "route_steps: 4\nroute_shift: 2.5\nguidance_scales: [1.5, 2.0]\nstudent:\n  guidance_input_scale: 0.1\n"
                + "filter:\n  enabled: true\n  threshold: 1.0\n  reference: " + blank + "\n"
                + "data_pairs:\n  p_mean: 0.2\n  p_std: 1.6\n  autoencoder: " + ae + "\n"
                + "loss:\n  tangent_warmup: 2\n  calm_down: true\n  calm_down_start: 3\n  calm_down_steps: 1\n"
                + "  final_r: 0.75\n  norm_constant: 0.1\n"
                + "training:\n  steps: 4\n  lr: 1.0e-4\n  warmup_steps: 1\n  cosine_decay: false\n"
                + "  weight_decay: 0.0\n  clip_norm: 0.1\n  ema_decay: 0.0\n  checkpoint_every: 2\n  log_every: 1\n"
                + "  eval_every: 0\n  snapshot_every: 0\n"
                + "evaluation: null\n";
        for (String line : overrides.split(";")) {
            if (!line.isBlank()) {
                String key = line.substring(0, line.indexOf(':'));
                yaml = yaml.replaceFirst("(?m)^(\\s*)" + java.util.regex.Pattern.quote(key) + ":.*$", "$1" + line.trim());
            }
        }
        Path f = tmp.resolve("distill-" + Math.abs(overrides.hashCode()) + ".yaml");
        Files.writeString(f, yaml);
        return f;
    }

    @Test
    void trajectoryDistillationNeedsNoDatasetAndTheStudentGenerates() throws Exception {
        Path nowhere = tmp.resolve("no-dataset-here");
        CliHarness.Result r = CliHarness.run("distill", "--config", config("").toString(), "--runs",
                tmp.resolve("runs").toString(), "--data", nowhere.toString());
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(!Files.exists(nowhere), "nothing created where the data would be");
        Path student = tmp.resolve("runs/d/model.safetensors");
        assertEquals("student", ModelFile.kindOf(student));
        String header = Files.readAllLines(tmp.resolve("runs/d/metrics.csv")).get(0);
        for (String column : new String[] {"loss", "loss_without_logvar", "g_norm", "grad_norm", "r", "pairs_per_s"}) {
            assertTrue(("," + header + ",").contains("," + column + ","), header);
        }
        Path classifier = TinyModels.classifierFile(tmp, m);
        Path reference = TinyModels.reference(tmp, m);
        for (String steps : new String[] {"1", "2", "4"}) {
            CliHarness.Result e = CliHarness.run("eval", "--model", student.toString(), "--autoencoder", ae.toString(),
                    "--classifier", classifier.toString(), "--reference", reference.toString(), "--samples", "20",
                    "--steps", steps, "--cfg", "2", "--json");
            assertEquals(0, e.exitCode(), e.err());
            JsonNode json = Json.JSON.readTree(e.lastLine());
            assertEquals(Integer.parseInt(steps), json.get("network_evaluations_per_sample").asInt(), "one NFE per step");
        }
        // 4 steps through given intermediate times (rCM's), and a count that does not fit them refused in one line
        String[] common = {"eval", "--model", student.toString(), "--autoencoder", ae.toString(), "--classifier",
            classifier.toString(), "--reference", reference.toString(), "--samples", "20", "--cfg", "2", "--json"};
        CliHarness.Result even = CliHarness.run(concat(common, "--steps", "4"));
        CliHarness.Result tuned = CliHarness.run(concat(common, "--steps", "4", "--times", "1.3,1.0,0.6"));
        assertEquals(0, tuned.exitCode(), tuned.err());
        assertEquals(4, Json.JSON.readTree(tuned.lastLine()).get("network_evaluations_per_sample").asInt());
        assertTrue(tuned.out().contains("through [1.3, 1.0, 0.6]"), tuned.out());
        assertTrue(Json.JSON.readTree(tuned.lastLine()).get("fd").asDouble()
                != Json.JSON.readTree(even.lastLine()).get("fd").asDouble(), "other times, other samples");
        CliHarness.Result wrong = CliHarness.run(concat(common, "--steps", "3", "--times", "1.3,1.0,0.6"));
        assertEquals(1, wrong.exitCode());
        assertTrue(wrong.err().contains("--times gives 3 intermediate times; --steps 3 needs 2"), wrong.err());
        CliHarness.Result rising = CliHarness.run(concat(common, "--steps", "3", "--times", "0.6,1.0"));
        assertEquals(1, rising.exitCode());
        assertTrue(rising.err().contains("must descend strictly inside (0, 1.5708)"), rising.err());
        // eval-sweep over the 2-step sampler's intermediate time: one row per time at 2 steps, one at 1 step
        CliHarness.Result sweep = CliHarness.run("eval-sweep", "--model", student.toString(), "--autoencoder",
                ae.toString(), "--classifier", classifier.toString(), "--reference", reference.toString(), "--samples",
                "20", "--step-list", "1,2", "--cfg-list", "2", "--intermediate-list", "0.5,1.2", "--out",
                tmp.resolve("sweep").toString());
        assertEquals(0, sweep.exitCode(), sweep.err());
        List<String> rows = Files.readAllLines(tmp.resolve("sweep.csv"));
        assertEquals(4, rows.size(), String.join("\n", rows));
        assertTrue(rows.get(1).startsWith("1,2.0,,") && rows.get(2).startsWith("2,2.0,0.5,")
                && rows.get(3).startsWith("2,2.0,1.2,"), String.join("\n", rows));
        assertTrue(!rows.get(2).split(",")[3].equals(rows.get(3).split(",")[3]), "another time, another FD");
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void theDataBaselineTrainsOnRealImages() throws IOException {
        Path data = TinyModels.dataset(tmp.resolve("data"), 64, 10);
        CliHarness.Result r = CliHarness.run("distill", "--config", config("").toString(), "--runs",
                tmp.resolve("runs").toString(), "--data", data.toString(), "--method", "scm", "--name", "baseline");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("sCM (data pairs): 6 pairs per iteration"), r.out());
        // the method's own default over the config's calm_down: true is said, not applied silently
        assertTrue(r.out().contains("method scm keeps r at 1 after its warm-up (Sana-Sprint's sCM has no calm-down): "
                + "loss.calm_down: true is not used"), r.out());
        assertEquals("student", ModelFile.kindOf(tmp.resolve("runs/baseline/model.safetensors")));
    }

    @Test
    void anEmaOfTheStudentIsWhatTheRunExports() throws IOException {
        String runs = tmp.resolve("runs").toString();
        CliHarness.Result r = CliHarness.run("distill", "--config", config("ema_decay: 0.5").toString(), "--runs", runs,
                "--name", "ema");
        assertEquals(0, r.exitCode(), r.err());
        // The exported model is the average, so it differs from the raw weights the checkpoint also keeps.
        org.tbcm4j.model.Student exported = ModelFiles.student(tmp.resolve("runs/ema/model.safetensors"), m);
        java.util.Map<String, ai.djl.ndarray.NDArray> checkpoint = org.tbcm4j.checkpoint.CheckpointFile.read(
                tmp.resolve("runs/ema/checkpoints/last.safetensors"), m).tensors();
        String name = "backbone.final_layer.linear.weight";
        ai.djl.ndarray.NDArray averaged = exported.parameters().get(name).array();
        assertEquals(0f, averaged.sub(checkpoint.get("ema." + name)).abs().max().getFloat(), "exported = the EMA");
        double diff = averaged.sub(checkpoint.get("model." + name)).abs().max().getFloat();
        assertTrue(diff > 0, "EMA weights equal the raw weights");
    }

    private void refused(CliHarness.Result r, String fragment) {
        assertEquals(1, r.exitCode(), r.out() + r.err());
        assertTrue(r.err().contains(fragment), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
    }

    @Test
    void badSettingsAndSwappedModelsAreRefused() throws IOException {
        String runs = tmp.resolve("runs").toString();
        refused(CliHarness.run("distill", "--config", config("route_steps: 1").toString(), "--runs", runs),
                "route_steps (K) must be between 2 and 1000");
        refused(CliHarness.run("distill", "--config", config("route_shift: 0").toString(), "--runs", runs),
                "route_shift must be positive");
        refused(CliHarness.run("distill", "--config", config("guidance_scales: []").toString(), "--runs", runs),
                "guidance_scales must not be empty");
        refused(CliHarness.run("distill", "--config", config("norm_constant: 0").toString(), "--runs", runs),
                "norm_constant (c) must be positive");
        CliHarness.Result ok = CliHarness.run("distill", "--config", config("").toString(), "--runs", runs,
                "--name", "s");
        assertEquals(0, ok.exitCode(), ok.err());
        Path student = tmp.resolve("runs/s/model.safetensors");
        refused(CliHarness.run("distill", "--config", config("teacher: " + student).toString(), "--runs", runs,
                "--name", "t"), "holds a student model where a teacher is expected");
        // A teacher checkpoint where distillation expects its student checkpoint.
        Path fake = tmp.resolve("runs/u/checkpoints/last.safetensors");
        Files.createDirectories(fake.getParent());
        Files.copy(teacher, fake);
        Files.writeString(tmp.resolve("runs/u/config.yaml"), Files.readString(config("name: u")));
        refused(CliHarness.run("distill", "--config", config("name: u").toString(), "--runs", runs, "--resume"),
                "holds a teacher model where a student is expected");
    }

    @Test
    void tbcmWithTheDmdRegulariserTrainsAFakeScoreAndResumesToTheSameStudent() throws IOException {
        // the config's method is tbcm; --method picks the regulariser's arm and its dmd section is read
        String yaml = Files.readString(config(""))
                + "dmd:\n  weight: 1.0\n  start: 1\n  samples_per_iteration: 3\n  timestep_shift: 5.0\n"
                + "  fake_lr_ratio: 1.0\n";
        Path cfg = tmp.resolve("dmd.yaml");
        Files.writeString(cfg, yaml);
        String runs = tmp.resolve("runs").toString();
        CliHarness.Result full = CliHarness.run("distill", "--config", cfg.toString(), "--runs", runs, "--name", "full",
                "--method", "tbcm_dmd");
        assertEquals(0, full.exitCode(), full.err());
        assertTrue(full.out().contains("TBCM + DMD"), full.out());
        List<String> lines = Files.readAllLines(tmp.resolve("runs/full/metrics.csv"));
        List<String> header = List.of(lines.get(0).split(","));
        int dmd = header.indexOf("dmd_loss");
        int fake = header.indexOf("fake_score_loss");
        assertTrue(dmd > 0 && fake > 0, header.toString());
        // the term joins after iteration 1 (dmd.start); the fake score trains from the first
        assertEquals("", lines.get(1).split(",", -1)[dmd], "no DMD term at step 1");
        for (int row = 1; row < lines.size(); row++) {
            String[] f = lines.get(row).split(",", -1);
            assertTrue(Double.parseDouble(f[fake]) > 0, lines.get(row));
            if (row > 1) {
                assertTrue(Double.parseDouble(f[dmd]) > 0, lines.get(row));
            }
        }
        CliHarness.Result part = CliHarness.run("distill", "--config", cfg.toString(), "--runs", runs, "--name", "cut",
                "--stop-after", "3", "--method", "tbcm_dmd");
        assertEquals(0, part.exitCode(), part.err());
        CliHarness.Result rest = CliHarness.run("distill", "--config", cfg.toString(), "--runs", runs, "--name", "cut",
                "--resume");
        assertEquals(0, rest.exitCode(), rest.err());
        assertTrue(rest.out().contains("TBCM + DMD"), "the resumed run is the saved config's method: " + rest.out());
        assertArrayEquals(Files.readAllBytes(tmp.resolve("runs/full/model.safetensors")),
                Files.readAllBytes(tmp.resolve("runs/cut/model.safetensors")), "the exported student");
        var tensors = org.tbcm4j.checkpoint.CheckpointFile.read(tmp.resolve("runs/cut/checkpoints/last.safetensors"), m)
                .tensors().keySet();
        assertTrue(tensors.stream().anyMatch(k -> k.startsWith("adversary.backbone.")), "the fake score is checkpointed");
        // without its section the method is one line
        Path bare = tmp.resolve("bare.yaml");
        Files.writeString(bare, Files.readString(config("")).replaceFirst("(?m)^method: tbcm", "method: tbcm_dmd"));
        CliHarness.Result refused = CliHarness.run("distill", "--config", bare.toString(), "--runs", runs, "--name", "x");
        assertEquals(1, refused.exitCode());
        assertTrue(refused.err().contains("method tbcm_dmd needs a dmd section"), refused.err());
    }

    @Test
    void setTrainingStepsAndStepsAreOneRescaledRun() throws IOException {
        String runs = tmp.resolve("runs").toString();
        Path cfg = config("cosine_decay: true;warmup_steps: 3");
        CliHarness.Result bySet = CliHarness.run("distill", "--config", cfg.toString(), "--runs", runs, "--name", "a",
                "--set", "training.steps=2");
        CliHarness.Result byOption = CliHarness.run("distill", "--config", cfg.toString(), "--runs", runs, "--name", "b",
                "--steps", "2");
        for (CliHarness.Result r : List.of(bySet, byOption)) {
            assertEquals(0, r.exitCode(), r.err());
            // 3 of 4 warm-up steps would be 2 of 2: the warm-up must end before the cosine's last step
            assertTrue(r.out().contains("schedules rescaled to 2 iterations: lr warm-up 1, r warm-up 1, calm-down from 2 "
                    + "over 1"), r.out());
        }
        assertEquals(Files.readString(tmp.resolve("runs/a/config.yaml")), Files.readString(tmp.resolve("runs/b/config.yaml")));
        CliHarness.Result both = CliHarness.run("distill", "--config", cfg.toString(), "--runs", runs, "--name", "c",
                "--steps", "3", "--set", "training.steps=2");
        assertEquals(1, both.exitCode());
        assertTrue(both.err().contains("--steps 3 and --set training.steps=2 disagree"), both.err());
        // a literal schedule that cannot run names only keys the user writes
        CliHarness.Result literal = CliHarness.run("distill", "--config", cfg.toString(), "--runs", runs, "--name", "d",
                "--set", "training.warmup_steps=4");
        assertEquals(1, literal.exitCode());
        assertEquals(1, literal.err().strip().lines().count(), literal.err());
        assertTrue(literal.err().contains("training.warmup_steps (4) must be below training.steps (4) when "
                + "training.cosine_decay is on") && !literal.err().contains("decay_steps"), literal.err());
    }

    @Test
    void setOverridesNestedKeysAndTheSavedConfigRecordsThem() throws IOException {
        String runs = tmp.resolve("runs").toString();
        CliHarness.Result r = CliHarness.run("distill", "--config", config("").toString(), "--runs", runs, "--name",
                "set", "--set", "training.steps=3", "--set", "loss.final_r=0.5", "--set", "route_steps=3");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("TBCM (trajectory pairs, image-free): 4 pairs per iteration (2 prompts × 2 route points), 3 iterations"),
                r.out());
        org.tbcm4j.distill.DistillConfig saved = org.tbcm4j.config.Configs.load(tmp.resolve("runs/set/config.yaml"),
                org.tbcm4j.distill.DistillConfig.class);
        assertEquals(3, saved.training().steps());
        assertEquals(0.5, saved.loss().finalR());
        assertEquals(3, saved.routeSteps());
        List<String> rows = Files.readAllLines(tmp.resolve("runs/set/metrics.csv"));
        assertTrue(rows.get(rows.size() - 1).startsWith("3,"), "the run stopped at the overridden step count");
    }

    @Test
    void setRefusesUnknownKeysAndWrongTypesInOneLine() throws IOException {
        String runs = tmp.resolve("runs").toString();
        String cfg = config("").toString();
        refused(CliHarness.run("distill", "--config", cfg, "--runs", runs, "--set", "training.stepz=3"),
                "--set training.stepz=3: unknown key 'training.stepz' (known at 'training': [steps, batch_size, lr,");
        refused(CliHarness.run("distill", "--config", cfg, "--runs", runs, "--set", "loss.final_r=high"),
                "--set loss.final_r=high: expected a number (double), got 'high'");
        refused(CliHarness.run("distill", "--config", cfg, "--runs", runs, "--set", "training.steps=2.5"),
                "--set training.steps=2.5: expected a whole number (long), got '2.5'");
        refused(CliHarness.run("distill", "--config", cfg, "--runs", runs, "--set", "loss.final_r=2"),
                "loss.final_r must be in [0, 1], got 2.0");
        refused(CliHarness.run("distill", "--config", cfg, "--runs", runs, "--set", "route=sorted"),
                "route must be jittered, fixed or logit_normal_sorted, got sorted");
        refused(CliHarness.run("distill", "--config", cfg, "--runs", runs, "--set", "rollout_points=two"),
                "rollout_points must be all or one, got two");
        refused(CliHarness.run("distill", "--config", cfg, "--runs", runs, "--set", "rollout_store=1"),
                "rollout_store (1) must hold at least prompts_per_iteration");
        refused(CliHarness.run("distill", "--config", cfg, "--runs", runs, "--set", "rollout_store=-3"),
                "rollout_store must be 0 (fresh rollouts) or a number of prompts up to");
        assertFalse(Files.exists(tmp.resolve("runs/d")), "a refused override starts no run");
    }

    @Test
    void aDistillConfigThatStillTypesTheBatchSizeIsToldWhy() throws IOException {
        Path old = tmp.resolve("old.yaml");
        Files.writeString(old, Files.readString(config("")).replace("  steps: 4\n", "  steps: 4\n  batch_size: 6\n"));
        refused(CliHarness.run("distill", "--config", old.toString(), "--runs", tmp.resolve("runs").toString()),
                "training.batch_size is not set for a distillation: the pairs per iteration are derived, "
                        + "prompts_per_iteration × (route_steps − 1) = 6; remove the key");
    }
}
