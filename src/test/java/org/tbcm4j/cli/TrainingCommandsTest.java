package org.tbcm4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tbcm4j.checkpoint.CheckpointFile;
import org.tbcm4j.checkpoint.ModelFile;
import org.tbcm4j.model.Autoencoder;
import org.tbcm4j.model.ModelFiles;
import org.tbcm4j.testing.WithManager;

/** The three training commands, end to end on a miniature dataset: outputs, resumption, and the scale factor. */
class TrainingCommandsTest extends WithManager {
    @TempDir
    Path tmp;

    private static String training(int steps) {
        return "training:\n  steps: " + steps + "\n  batch_size: 16\n  lr: 1.0e-3\n  warmup_steps: 1\n  cosine_decay: false\n"
                + "  weight_decay: 0.0\n  clip_norm: 1.0\n  ema_decay: 0.9\n  checkpoint_every: 2\n  log_every: 1\n"
                + "  eval_every: 0\n  snapshot_every: 2\n";
    }

    private Path write(String name, String yaml) throws IOException {
        Path f = tmp.resolve(name);
        Files.writeString(f, yaml);
        return f;
    }

    private Map<String, NDArray> tensors(Path file) {
        return CheckpointFile.read(file, m).tensors();
    }

    @Test
    void classifierTrainsAndAnInterruptedRunResumesToTheSameWeights() throws IOException {
        Path data = TinyModels.dataset(tmp.resolve("data"), 64, 30);
        Path cfg = write("cls.yaml", "name: cls\nseed: 1\nmodel:\n  channels: [8, 8, 8]\n  feature_dim: 16\n"
                + "  num_classes: 10\n  groups: 4\n" + training(4) + "max_shift: 2\n");
        String runs = tmp.resolve("runs").toString();
        CliHarness.Result full = CliHarness.run("train-classifier", "--config", cfg.toString(), "--data", data.toString(),
                "--runs", runs);
        assertEquals(0, full.exitCode(), full.err());
        assertTrue(full.out().contains("test accuracy"), full.out());
        CliHarness.Result part = CliHarness.run("train-classifier", "--config", cfg.toString(), "--data", data.toString(),
                "--runs", runs, "--name", "cls-resumed", "--stop-after", "3");
        assertTrue(part.out().contains("stopped early"), part.out());
        CliHarness.Result rest = CliHarness.run("train-classifier", "--config", cfg.toString(), "--data", data.toString(),
                "--runs", runs, "--name", "cls-resumed", "--resume");
        assertEquals(0, rest.exitCode(), rest.err());
        Map<String, NDArray> a = tensors(tmp.resolve("runs/cls/model.safetensors"));
        Map<String, NDArray> b = tensors(tmp.resolve("runs/cls-resumed/model.safetensors"));
        assertEquals(a.keySet(), b.keySet());
        a.forEach((k, v) -> assertArrayEquals(v.toFloatArray(), b.get(k).toFloatArray(), k));
        assertTrue(Files.readString(tmp.resolve("runs/cls-resumed/config.yaml")).contains("max_shift: 2"));
        // --set on a training command: a nested key takes effect and is recorded; a bad key or type is one line.
        CliHarness.Result set = CliHarness.run("train-classifier", "--config", cfg.toString(), "--data", data.toString(),
                "--runs", runs, "--name", "cls-set", "--set", "training.steps=2", "--set", "max_shift=1");
        assertEquals(0, set.exitCode(), set.err());
        String saved = Files.readString(tmp.resolve("runs/cls-set/config.yaml"));
        assertTrue(saved.contains("max_shift: 1") && saved.contains("steps: 2"), saved);
        CliHarness.Result badKey = CliHarness.run("train-classifier", "--config", cfg.toString(), "--runs", runs,
                "--name", "x", "--set", "model.widths=[8]");
        assertEquals(1, badKey.exitCode());
        assertEquals("tbcm: error: --set model.widths=[8]: unknown key 'model.widths' (known at 'model': [channels, "
                + "feature_dim, num_classes, groups, image_size, image_channels])", badKey.err().strip());
        CliHarness.Result badType = CliHarness.run("train-classifier", "--config", cfg.toString(), "--runs", runs,
                "--name", "x", "--set", "max_shift=two");
        assertEquals("tbcm: error: --set max_shift=two: expected a whole number (int), got 'two'", badType.err().strip());
    }

    @Test
    void autoencoderSetsItsScaleAndTheTeacherTrainsOnItsLatents() throws IOException {
        Path data = TinyModels.dataset(tmp.resolve("data"), 128, 20);
        String runs = tmp.resolve("runs").toString();
        Path aeCfg = write("ae.yaml", "name: ae\nseed: 2\nmodel:\n  channels: [8, 8]\n  latent_channels: 4\n  groups: 4\n"
                + training(3) + "kl_weight: 1.0e-4\nscale_samples: 100\n");
        CliHarness.Result ae = CliHarness.run("train-autoencoder", "--config", aeCfg.toString(), "--data", data.toString(),
                "--runs", runs);
        assertEquals(0, ae.exitCode(), ae.err());
        assertTrue(ae.out().contains("scale factor"), ae.out());
        Path aeModel = tmp.resolve("runs/ae/model.safetensors");
        Autoencoder trained = ModelFiles.autoencoder(aeModel, m);
        assertNotEquals(1.0, trained.latentScale(), "the scale factor was measured and stored");
        Path teacherCfg = write("teacher.yaml", "name: teacher\nseed: 3\nautoencoder: " + aeModel + "\n"
                + "model:\n  channels: 4\n  image_size: 7\n  patch_size: 1\n  hidden: 16\n  depth: 1\n  heads: 2\n"
                + "  mlp_ratio: 2.0\n  attention: SOFTMAX\n  qk_norm: true\n  num_classes: 10\n  frequency_dim: 16\n"
                + "  time_scale: 1.0\n" + training(4) + "class_dropout: 0.1\nlogit_mean: 0.0\nlogit_std: 1.0\n");
        CliHarness.Result teacher = CliHarness.run("train-teacher", "--config", teacherCfg.toString(), "--data",
                data.toString(), "--runs", runs);
        assertEquals(0, teacher.exitCode(), teacher.err());
        assertTrue(Files.exists(tmp.resolve("runs/teacher/model.safetensors")));
        assertTrue(Files.exists(tmp.resolve("runs/teacher/snapshots/step-0000002.safetensors")));
        assertEquals("teacher", ModelFile.kindOf(tmp.resolve("runs/teacher/model.safetensors")));
        assertEquals(5, Files.readAllLines(tmp.resolve("runs/teacher/metrics.csv")).size(), "header and 4 rows");
        // the teacher records the autoencoder whose latents it learned; another one of the same shape is refused
        Path teacherModel = tmp.resolve("runs/teacher/model.safetensors");
        assertEquals(org.tbcm4j.checkpoint.Fingerprint.of(trained),
                ModelFile.metadata(teacherModel, "teacher").get(ModelFile.KEY_AUTOENCODER));
        Path other = TinyModels.autoencoder(tmp, m, 4);
        CliHarness.Result wrong = CliHarness.run("sample", "--model", teacherModel.toString(), "--autoencoder",
                other.toString(), "--steps", "1", "--per-class", "1", "--out", tmp.resolve("x.png").toString());
        HostileInputsTest.refused(wrong, "pass the autoencoder it was trained with");
        CliHarness.Result right = CliHarness.run("sample", "--model", teacherModel.toString(), "--autoencoder",
                aeModel.toString(), "--steps", "1", "--per-class", "1", "--out", tmp.resolve("x.png").toString());
        assertEquals(0, right.exitCode(), right.err());
    }
}
