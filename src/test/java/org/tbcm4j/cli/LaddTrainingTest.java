package org.tbcm4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tbcm4j.checkpoint.CheckpointFile;
import org.tbcm4j.data.IdxDataset;
import org.tbcm4j.distill.AdversarialLoss;
import org.tbcm4j.distill.DataPairs;
import org.tbcm4j.distill.DistillTask;
import org.tbcm4j.distill.LaddConfig;
import org.tbcm4j.distill.LossSettings;
import org.tbcm4j.distill.SanaSprint;
import org.tbcm4j.model.DiT;
import org.tbcm4j.model.Discriminator;
import org.tbcm4j.model.GuidanceScales;
import org.tbcm4j.model.ModelFiles;
import org.tbcm4j.model.Student;
import org.tbcm4j.model.StudentConfig;
import org.tbcm4j.nn.OptimizerConfig;
import org.tbcm4j.nn.Parameter;
import org.tbcm4j.train.RunDirectory;
import org.tbcm4j.train.TrainLoop;
import org.tbcm4j.train.TrainingConfig;
import org.tbcm4j.testing.WithManager;

/** Sana-Sprint's arm (sCM + LADD) on miniature models: what trains, what stays frozen, and resumption. */
class LaddTrainingTest extends WithManager {
    @TempDir
    Path tmp;

    private static final String LADD = "ladd:\n  enabled: true\n  head_block_ids: [0]\n  adv_lambda: 0.5\n"
            + "  scm_lambda: 1.0\n  loss: hinge\n  t_mean: -0.6\n  t_std: 1.0\n  largest_timestep_prob: 0.5\n"
            + "  misaligned: true\n";

    @Test
    void theHeadsAndTheStudentLearnWhileTheTeacherStaysBitIdentical() throws IOException {
        Path teacherFile = TinyModels.teacher(tmp, m);
        Path aeFile = TinyModels.autoencoder(tmp, m, 4);
        Path data = TinyModels.dataset(tmp.resolve("data"), 64, 10);
        DiT teacher = ModelFiles.teacher(teacherFile, m);
        teacher.setTrainable(false);
        Student student = new Student(new StudentConfig(teacher.config(), 0.1));
        student.initialize(m, DataType.FLOAT32, 1);
        student.backbone().copyFrom(teacher);
        GuidanceScales scales = GuidanceScales.of("guidance_scales", 1.5, 2.0);
        DataPairs pairs = new DataPairs(teacher, ModelFiles.autoencoder(aeFile, m),
                IdxDataset.load(data, IdxDataset.Split.TRAIN, 10), 8, 0.2, 1.6, scales, 1, 2);
        LaddConfig config = new LaddConfig(true, new int[] {0}, 0.5, 1.0, LaddConfig.HINGE, -0.6, 1.0, 0.5, true);
        Discriminator discriminator = new Discriminator(teacher.config(), new int[] {0});
        discriminator.initialize(m, DataType.FLOAT32, 1);
        Map<String, float[]> headsBefore = snapshot(discriminator.parameters());
        Map<String, float[]> studentBefore = snapshot(student.parameters());
        SanaSprint.Ladd ladd = new SanaSprint.Ladd(student, teacher, new AdversarialLoss(teacher, discriminator, config,
                0.2, 1.6), discriminator, OptimizerConfig.defaults(1e-3), pairs, config, 1);
        DistillTask task = new DistillTask(student, pairs, new LossSettings(2, false, 0, 0, 1.0, 0.1), List.of(), null, ladd);
        TrainingConfig training = new TrainingConfig(3L, null, 1e-3, 0, false, 0.0, 1.0, 0.0, 10, 1, 0, 0, null, null);
        new TrainLoop(new RunDirectory(tmp.resolve("run")), ModelFiles.STUDENT, student.config(), training, 1)
                .run(student, null, task, false, 0, m);

        DiT fresh = ModelFiles.teacher(teacherFile, m);
        Map<String, Parameter> now = teacher.parameters();
        fresh.parameters().forEach((k, p) -> assertArrayEquals(p.array().toFloatArray(), now.get(k).array().toFloatArray(),
                "teacher " + k));
        now.values().forEach(p -> assertFalse(p.array().hasGradient(), "a teacher weight takes gradients"));
        assertChanged(headsBefore, discriminator.parameters(), "heads.0.logit.weight");
        assertChanged(headsBefore, discriminator.parameters(), "heads.0.in.u");
        assertChanged(studentBefore, student.parameters(), "backbone.blocks.0.attn.qkv.weight");
        String header = Files.readAllLines(tmp.resolve("run/metrics.csv")).get(0);
        for (String column : List.of("adversarial_loss", "discriminator_loss", "discriminator_passes_per_pair")) {
            assertTrue(header.contains(column), header);
        }
        // G: one fake per pair; D: the batch's fakes, as many misaligned reals, and the reals
        List<String> last = List.of(Files.readAllLines(tmp.resolve("run/metrics.csv")).get(3).split(","));
        assertEquals(4.0, Double.parseDouble(last.get(List.of(header.split(",")).indexOf("discriminator_passes_per_pair"))));
    }

    @Test
    void anInterruptedSanaSprintRunResumesToTheSameStudentAndDiscriminator() throws IOException {
        Path teacher = TinyModels.teacher(tmp, m);
        Path ae = TinyModels.autoencoder(tmp, m, 4);
        Path data = TinyModels.dataset(tmp.resolve("data"), 64, 10);
        String yaml = "name: s\nseed: 5\nteacher: " + teacher + "\npairs: data\nprompts_per_iteration: 2\n"
                + "route_steps: 4\nroute_shift: 2.5\nguidance_scales: [1.5, 2.0]\nstudent:\n  guidance_input_scale: 0.1\n"
                + "filter:\n  enabled: false\n  threshold: 1.0\n  reference: none\n"
                + "data_pairs:\n  p_mean: 0.2\n  p_std: 1.6\n  autoencoder: " + ae + "\n"
                + "loss:\n  tangent_warmup: 2\n  calm_down: false\n  calm_down_start: 3\n  calm_down_steps: 1\n"
                + "  final_r: 0.75\n  norm_constant: 0.1\n"
                + "training:\n  steps: 5\n  lr: 1.0e-3\n  warmup_steps: 1\n  cosine_decay: false\n"
                + "  weight_decay: 0.0\n  clip_norm: 1.0\n  ema_decay: 0.5\n  checkpoint_every: 2\n  log_every: 1\n"
                + "  eval_every: 0\n  snapshot_every: 0\nevaluation: null\n" + LADD;
        Path config = tmp.resolve("sana-sprint.yaml");
        Files.writeString(config, yaml);
        String runs = tmp.resolve("runs").toString();
        CliHarness.Result full = CliHarness.run("distill", "--config", config.toString(), "--runs", runs, "--data",
                data.toString(), "--name", "full");
        assertEquals(0, full.exitCode(), full.err());
        assertTrue(full.out().contains("with LADD"), full.out());
        CliHarness.Result part = CliHarness.run("distill", "--config", config.toString(), "--runs", runs, "--data",
                data.toString(), "--name", "cut", "--stop-after", "3");
        assertEquals(0, part.exitCode(), part.err());
        CliHarness.Result rest = CliHarness.run("distill", "--config", config.toString(), "--runs", runs, "--data",
                data.toString(), "--name", "cut", "--resume");
        assertEquals(0, rest.exitCode(), rest.err());
        assertArrayEquals(Files.readAllBytes(tmp.resolve("runs/full/model.safetensors")),
                Files.readAllBytes(tmp.resolve("runs/cut/model.safetensors")), "the exported student");
        Map<String, NDArray> a = CheckpointFile.read(tmp.resolve("runs/full/checkpoints/last.safetensors"), m).tensors();
        Map<String, NDArray> b = CheckpointFile.read(tmp.resolve("runs/cut/checkpoints/last.safetensors"), m).tensors();
        assertEquals(a.keySet(), b.keySet());
        assertTrue(a.keySet().stream().anyMatch(k -> k.startsWith("adversary.heads.0.residual.u")), a.keySet().toString());
        assertTrue(a.keySet().stream().anyMatch(k -> k.startsWith("adversary_optim.")), a.keySet().toString());
        a.forEach((k, v) -> assertArrayEquals(v.toFloatArray(), b.get(k).toFloatArray(), k));
        // the config says pairs: data with ladd.enabled (the old spelling of method: sana_sprint); a method
        // that disagrees with it is refused in one line that says what to write
        CliHarness.Result refused = CliHarness.run("distill", "--config", config.toString(), "--runs", runs, "--set",
                "method=tbcm", "--name", "x");
        assertEquals(1, refused.exitCode());
        assertEquals(1, refused.err().strip().lines().count(), refused.err());
        assertTrue(refused.err().strip().startsWith("tbcm: error:") && refused.err().contains(
                "method: tbcm disagrees with pairs: data and ladd.enabled: true") && refused.err().contains("keep only method"),
                refused.err());
        String[][] badSettings = {
            {"ladd.loss=wasserstein", "ladd.loss must be hinge or cross_entropy"},
            {"ladd.head_block_ids=[0, 3]", "lie beyond the teacher's 1 blocks"},
            {"ladd.head_block_ids=[0, 0]", "ascending"},
            {"ladd.largest_timestep_prob=1.5", "ladd.largest_timestep_prob must be in [0, 1]"},
        };
        for (String[] setting : badSettings) {
            CliHarness.Result r = CliHarness.run("distill", "--config", config.toString(), "--runs", runs, "--data",
                    data.toString(), "--name", "bad", "--set", setting[0]);
            assertEquals(1, r.exitCode(), setting[0]);
            assertEquals(1, r.err().strip().lines().count(), r.err());
            assertTrue(r.err().startsWith("tbcm: error:") && r.err().contains(setting[1]), setting[0] + ": " + r.err());
        }
    }

    private static Map<String, float[]> snapshot(Map<String, Parameter> params) {
        Map<String, float[]> copy = new java.util.LinkedHashMap<>();
        params.forEach((k, p) -> copy.put(k, p.array().toFloatArray()));
        return copy;
    }

    private static void assertChanged(Map<String, float[]> before, Map<String, Parameter> after, String name) {
        assertFalse(java.util.Arrays.equals(before.get(name), after.get(name).array().toFloatArray()), name + " unchanged");
    }
}
