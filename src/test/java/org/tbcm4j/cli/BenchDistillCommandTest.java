package org.tbcm4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tbcm4j.distill.BlankLatent;
import org.tbcm4j.bench.IterationBreakdown;
import org.tbcm4j.distill.DataPairs;
import org.tbcm4j.distill.DistillTask;
import org.tbcm4j.train.TrainLoop;
import org.tbcm4j.distill.SanaSprint;
import org.tbcm4j.distill.TbcmDmd;
import org.tbcm4j.model.ModelFiles;
import org.tbcm4j.testing.WithManager;
import org.tbcm4j.util.Json;

/** bench distill on miniature models: the three arms run in child JVMs and are compared on the same figures. */
class BenchDistillCommandTest extends WithManager {
    @TempDir
    Path tmp;

    @Test
    void comparesTheThreeArmsOnTheSameFigures() throws Exception {
        Path teacher = TinyModels.teacher(tmp, m);
        Path ae = TinyModels.autoencoder(tmp, m, 4);
        Path classifier = TinyModels.classifierFile(tmp, m);
        Path reference = TinyModels.reference(tmp, m);
        Path blank = tmp.resolve("blank.safetensors");
        BlankLatent.save(blank, BlankLatent.compute(ModelFiles.autoencoder(ae, m), m));
        Path data = TinyModels.dataset(tmp.resolve("data"), 64, 10);
        writeDistillConfig(teacher, blank, ae);
        Files.writeString(tmp.resolve("demo.yaml"), "distill: x\nquick_distill: x\nsamples: 20\nquick_samples: 20\nseed: 7\n"
                + "teacher_few_step: {steps: 2, cfg: 1.5, sampler: dpm2m, shift: 1.0}\n"
                + "teacher_reference: {steps: 3, cfg: 1.5, sampler: dpm2m, shift: 1.0}\n"
                + "student: {cfg: 1.5, intermediate: 1.0}\nautoencoder: " + ae + "\nclassifier: " + classifier
                + "\nreference: " + reference + "\n");
        Path out = tmp.resolve("bench");
        CliHarness.Result r = CliHarness.run("bench", "distill", "--config", tmp.resolve("distill.yaml").toString(),
                "--demo-config", tmp.resolve("demo.yaml").toString(), "--samples", "20", "--out", out.toString(),
                "--data", data.toString(), "--breakdown-iterations", "2");
        assertEquals(0, r.exitCode(), r.err() + r.out());
        JsonNode json = Json.JSON.readTree(out.resolve("bench-distill.json").toFile());
        for (String arm : new String[] {"tbcm", "data-scm", "sana-sprint", "tbcm-dmd"}) {
            JsonNode a = json.get(arm);
            assertEquals(3, a.get("iterations").asInt(), arm);
            assertEquals(6, a.get("pairs_per_iteration").asInt(), arm);
            for (String key : new String[] {"fd_1step", "fd_2step", "class_accuracy_1step", "class_accuracy_2step",
                "ms_per_pair", "peak_rss_mib"}) {
                assertTrue(a.get(key).asDouble() >= 0, arm + " " + key);
            }
            assertTrue(a.get("peak_rss_mib").asDouble() > 100, "a JVM with libtorch loaded uses well over 100 MiB");
        }
        // 2 CFG passes per pair for the sCM target in the data arms; Sana-Sprint's discriminator adds 4 per pair
        assertEquals(12.0, json.get("data-scm").get("teacher_evaluations_per_iteration").asDouble(), 1e-9);
        assertEquals(0.0, json.get("data-scm").get("discriminator_passes_per_iteration").asDouble());
        assertEquals(12.0, json.get("sana-sprint").get("teacher_evaluations_per_iteration").asDouble(), 1e-9);
        assertEquals(24.0, json.get("sana-sprint").get("discriminator_passes_per_iteration").asDouble(), 1e-9);
        // DMD's real score: 2 CFG passes per sample (2 samples) on iterations 2 and 3 of 3, beside TBCM's own
        assertEquals(json.get("tbcm").get("teacher_evaluations_per_iteration").asDouble() + 4.0 * 2 / 3,
                json.get("tbcm-dmd").get("teacher_evaluations_per_iteration").asDouble(), 1e-3);
        // each arm's iteration, component by component: LADD's rows only on Sana-Sprint, the encoder only on data
        for (String arm : new String[] {"tbcm", "data-scm", "sana-sprint", "tbcm-dmd"}) {
            JsonNode b = Json.JSON.readTree(out.resolve(arm + "-breakdown.json").toFile());
            java.util.List<String> names = new java.util.ArrayList<>();
            double sum = 0;
            for (JsonNode c : b.get("components")) {
                names.add(c.get("name").asText());
                // the time outside every phase can round to nothing; every phase takes time
                assertTrue(c.get("median_ms").asDouble() > 0
                        || c.get("name").asText().equals(IterationBreakdown.OUTSIDE_PHASES), arm + " " + c);
                sum += c.get("role").asText().equals("COMPONENT") ? c.get("median_ms").asDouble() : 0;
            }
            assertEquals(sum, b.get("total_ms").asDouble(), 1e-9, arm);
            boolean ladd = arm.equals("sana-sprint");
            assertEquals(ladd, names.contains(SanaSprint.GENERATOR_ROW), arm + " " + names);
            assertEquals(ladd, names.contains(SanaSprint.DISCRIMINATOR_ROW), arm + " " + names);
            assertEquals(ladd, names.contains(SanaSprint.TEACHER_FEATURES_ROW), arm + " " + names);
            boolean dmd = arm.equals("tbcm-dmd");
            assertEquals(dmd, names.contains(TbcmDmd.STUDENT_ROW) && names.contains(TbcmDmd.FAKE_ROW), arm + " " + names);
            // the data arms' pairs have a part of their own (the real batch and encoder), so their row is the rest
            boolean readsImages = arm.startsWith("data") || ladd;
            assertEquals(readsImages, names.contains(DataPairs.REAL_AND_ENCODER), arm + " " + names);
            assertEquals(readsImages, names.contains(DistillTask.PAIRS + " (besides its parts above)"), arm + " " + names);
            assertEquals(!readsImages, names.contains(DistillTask.PAIRS), arm + " " + names);
            assertFalse(names.contains(TrainLoop.EMA), "this config keeps no EMA: " + names);
            assertTrue(names.containsAll(java.util.List.of(DistillTask.STUDENT_PASS, TrainLoop.BACKWARD,
                    TrainLoop.OPTIMIZER, IterationBreakdown.OUTSIDE_PHASES,
                    IterationBreakdown.TEACHER_FORWARD)), arm + " " + names);
            assertEquals(ladd, b.get("state_bytes").has("discriminator heads, gradients, AdamW moments"), arm);
            // the student starts as a copy of the teacher: 16 bytes per parameter against the teacher's 4, plus its
            // guidance embedding and logvar head
            assertTrue(b.get("state_bytes").get("student weights, gradients, AdamW moments").asLong()
                    > 4 * b.get("state_bytes").get("teacher weights (frozen)").asLong(), arm);
        }
        String md = Files.readString(out.resolve("bench-distill.md"));
        assertTrue(md.contains(SanaSprint.DISCRIMINATOR_ROW), md);
        assertTrue(md.contains("| ms_per_iteration |") && md.contains("Sana-Sprint (data pairs + LADD)"), md);
    }

    /** A 3-iteration distillation of the tiny teacher, as bench distill and bench shared-cpu take it. */
    private void writeDistillConfig(Path teacher, Path blank, Path ae) throws java.io.IOException {
        Files.writeString(tmp.resolve("distill.yaml"), DistillYaml.tiny(teacher, 3, "filter.reference=" + blank,
                DistillYaml.dataPairs(ae), "ladd={head_block_ids: [0], adv_lambda: 0.5, scm_lambda: 1.0, loss: hinge, "
                        + "t_mean: -0.6, t_std: 1.0, largest_timestep_prob: 0.5, misaligned: true}",
                "dmd={weight: 1.0, start: 1, samples_per_iteration: 2, timestep_shift: 5.0, fake_lr_ratio: 1.0}"));
    }

    @Test
    void sharedCpuRunsTheDistillationAloneAndBesideABusyCoreAndCleansUp() throws Exception {
        Path teacher = TinyModels.teacher(tmp, m);
        Path ae = TinyModels.autoencoder(tmp, m, 4);
        Path blank = tmp.resolve("blank.safetensors");
        BlankLatent.save(blank, BlankLatent.compute(ModelFiles.autoencoder(ae, m), m));
        writeDistillConfig(teacher, blank, ae);
        Path out = tmp.resolve("shared");
        Path json = tmp.resolve("shared.json");
        CliHarness.Result r = CliHarness.run("bench", "shared-cpu", "--config", tmp.resolve("distill.yaml").toString(),
                "--steps", "2", "--rounds", "2", "--out", out.toString(), "--json", json.toString());
        assertEquals(0, r.exitCode(), r.err() + r.out());
        JsonNode j = Json.JSON.readTree(json.toFile());
        assertEquals(4, j.get("segments").size());
        java.util.List<Double> alone = new java.util.ArrayList<>();
        java.util.List<Double> busy = new java.util.ArrayList<>();
        for (JsonNode seg : j.get("segments")) {
            double pps = seg.get("pairs_per_second").asDouble();
            // 2 iterations of 2 prompts x 3 pairs each over the run's seconds
            assertEquals(12 / seg.get("seconds").asDouble(), pps, 1e-9 * pps);
            (seg.get("condition").asText().equals("alone") ? alone : busy).add(pps);
        }
        assertEquals(2, alone.size());
        assertEquals(2, busy.size());
        assertEquals((alone.get(0) + alone.get(1)) / 2, j.get("alone_median").asDouble(), 1e-9);
        assertEquals(j.get("busy_median").asDouble() / j.get("alone_median").asDouble(), j.get("busy_over_alone").asDouble(), 1e-12);
        try (var left = Files.list(out)) {
            assertEquals(0, left.count(), "the bench's run directories are removed");
        }

        // A directory of that name that the bench did not make is someone's: refused in one line, kept.
        Path foreign = Files.createDirectories(out.resolve("alone-0"));
        Files.writeString(foreign.resolve("notes.txt"), "mine");
        CliHarness.Result refused = CliHarness.run("bench", "shared-cpu", "--config",
                tmp.resolve("distill.yaml").toString(), "--steps", "1", "--rounds", "1", "--out", out.toString());
        assertEquals(1, refused.exitCode(), refused.err() + refused.out());
        assertEquals(1, refused.err().strip().lines().count(), refused.err());
        assertTrue(refused.err().contains(foreign + " exists and was not made by bench shared-cpu"), refused.err());
        assertEquals("mine", Files.readString(foreign.resolve("notes.txt")));
    }
}
