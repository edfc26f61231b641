package org.tbcm4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tbcm4j.checkpoint.ModelFile;
import org.tbcm4j.model.DiT;
import org.tbcm4j.model.ModelFiles;
import org.tbcm4j.nn.Parameter;
import org.tbcm4j.testing.WithManager;

/**
 * Issue 13's findings, each through the real entry point: every one is refused in one line naming what is
 * wrong, exits non-zero, and writes nothing outside the run root.
 */
class HostileInputsTest extends WithManager {
    @TempDir
    Path tmp;

    private static final String CLASSIFIER = "name: cls\nseed: 1\nmodel:\n  channels: [8, 8, 8]\n  feature_dim: 16\n"
            + "  num_classes: 10\n  groups: 4\ntraining:\n  steps: 4\n  batch_size: 16\n  lr: 1.0e-3\n  warmup_steps: 1\n"
            + "  cosine_decay: false\n  weight_decay: 0.0\n  clip_norm: 1.0\n  ema_decay: 0.9\n  checkpoint_every: 2\n"
            + "  log_every: 1\n  eval_every: 0\n  snapshot_every: 0\nmax_shift: 2\n";

    /** One line on standard error, starting "tbcm: error:", holding {@code fragment}; no stack trace. */
    static void refused(CliHarness.Result r, String fragment) {
        assertTrue(r.exitCode() == 1 || r.exitCode() == 2, "exit " + r.exitCode() + ": " + r.out() + r.err());
        assertTrue(r.err().startsWith("tbcm: error: "), r.err());
        assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());
        assertFalse(r.err().contains("Exception") || r.err().contains("\tat "), r.err());
        assertTrue(r.err().contains(fragment), "'" + fragment + "' not in: " + r.err());
    }

    private Path write(String name, String text) throws IOException {
        Path f = tmp.resolve(name);
        Files.writeString(f, text);
        return f;
    }

    private CliHarness.Result trainClassifier(Path config, Path data, String... extra) {
        List<String> args = new java.util.ArrayList<>(List.of("train-classifier", "--config", config.toString(), "--data",
                data.toString(), "--runs", tmp.resolve("runs").toString()));
        args.addAll(List.of(extra));
        return CliHarness.run(args.toArray(String[]::new));
    }

    /** Every path under {@code tmp}, to see that nothing appeared outside the run root. */
    private List<Path> everything() throws IOException {
        try (Stream<Path> files = Files.walk(tmp)) {
            return files.filter(p -> !p.startsWith(tmp.resolve("runs"))).sorted().toList();
        }
    }

    @Test
    void configsThatAreEmptyAmbiguousOrOversizedAreOneLine() throws IOException {
        Path data = TinyModels.dataset(tmp.resolve("data"), 32, 10);
        refused(trainClassifier(write("empty.yaml", ""), data), "empty");
        refused(trainClassifier(write("comment.yaml", "# nothing here\n"), data), "empty");
        refused(trainClassifier(write("training-null.yaml", CLASSIFIER.replaceAll("(?s)training:\n.*?max_shift",
                "training: ~\nmax_shift")), data), "'training' is empty");
        refused(trainClassifier(write("model-null.yaml", CLASSIFIER.replaceAll("(?s)model:\n.*?training:",
                "model: ~\ntraining:")), data), "'model' is empty");
        refused(trainClassifier(write("channels-null.yaml", CLASSIFIER.replace("[8, 8, 8]", "[8, ~, 8]")), data),
                "model.channels");
        refused(trainClassifier(write("duplicate.yaml", CLASSIFIER + "seed: 2\n"), data), "Duplicate field 'seed'");
        refused(trainClassifier(write("two.yaml", CLASSIFIER + "---\nname: other\n"), data), "more than one YAML document");
        refused(trainClassifier(write("fraction.yaml", CLASSIFIER.replace("seed: 1", "seed: 1.5")), data), "seed");
        refused(trainClassifier(write("big.yaml", CLASSIFIER + "#" + "x".repeat(2 << 20) + "\n"), data),
                "a config is at most");
        // a size that overflows int once multiplied is refused before anything is allocated
        refused(CliHarness.run("distill", "--set", "prompts_per_iteration=2147483647", "--runs",
                tmp.resolve("runs").toString()), "pairs per iteration is over the limit");
        StringBuilder bomb = new StringBuilder("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for (int i = 1; i < 12; i++) {
            bomb.append("a").append(i).append(": &a").append(i).append(" [")
                    .append(String.join(", ", java.util.Collections.nCopies(10, "*a" + (i - 1)))).append("]\n");
        }
        refused(trainClassifier(write("bomb.yaml", bomb + CLASSIFIER), data), "bomb.yaml");
        assertFalse(Files.exists(tmp.resolve("runs")), "no run started");
    }

    @Test
    void runNamesStayOneSegmentInsideTheRunRoot() throws IOException {
        Path data = TinyModels.dataset(tmp.resolve("data"), 32, 10);
        Path config = write("cls.yaml", CLASSIFIER);
        List<Path> before = everything();
        for (String name : new String[] {"../escape", tmp.resolve("absolute").toString(), "a\nb", "", ".", "..", "a/b",
            "x".repeat(300), "-rf"}) {
            refused(trainClassifier(config, data, "--name", name), "is not a run name");
        }
        refused(trainClassifier(write("escape.yaml", CLASSIFIER.replace("name: cls", "name: ../escape")), data),
                "the config's name");
        assertEquals(before.size() + 1, everything().size(), "only escape.yaml was added: " + everything());
        assertFalse(Files.exists(tmp.resolve("escape")) || Files.exists(tmp.resolve("absolute")));

        // a fresh start never overwrites another run, finished or not
        CliHarness.Result first = trainClassifier(config, data);
        assertEquals(0, first.exitCode(), first.err());
        byte[] metrics = Files.readAllBytes(tmp.resolve("runs/cls/metrics.csv"));
        byte[] saved = Files.readAllBytes(tmp.resolve("runs/cls/config.yaml"));
        refused(trainClassifier(config, data, "--set", "max_shift=1"), "already holds a run");
        Files.createDirectories(tmp.resolve("runs/begun"));
        Files.write(tmp.resolve("runs/begun/metrics.csv"), metrics);
        refused(trainClassifier(config, data, "--name", "begun"), "already holds a run");
        assertArrayEquals(metrics, Files.readAllBytes(tmp.resolve("runs/cls/metrics.csv")));
        assertArrayEquals(saved, Files.readAllBytes(tmp.resolve("runs/cls/config.yaml")));
    }

    @Test
    void aRunWhoseStepsAreMostlySkippedFailsAndSaysWhatToChange() throws IOException {
        Path data = TinyModels.dataset(tmp.resolve("data"), 64, 10);
        Path config = write("wild.yaml", CLASSIFIER.replace("steps: 4", "steps: 40").replace("lr: 1.0e-3", "lr: 1.0e+30")
                .replace("clip_norm: 1.0", "clip_norm: 0.0"));
        refused(trainClassifier(config, data), "training.max_skipped_fraction");
        assertFalse(Files.exists(tmp.resolve("runs/wild/model.safetensors")), "no model exported");
        // the limit is a setting: allowing every step to be skipped lets the same run finish
        CliHarness.Result allowed = trainClassifier(config, data, "--name", "allowed", "--set",
                "training.max_skipped_fraction=1");
        assertEquals(0, allowed.exitCode(), allowed.err());
        List<String> rows = Files.readAllLines(tmp.resolve("runs/allowed/metrics.csv"));
        List<String> header = List.of(rows.get(0).split(","));
        long skipped = Long.parseLong(rows.get(rows.size() - 1).split(",")[header.indexOf("skipped_steps")]);
        assertTrue(skipped > 4, "the run did skip more than 10 % of its steps: " + skipped);
    }

    @Test
    void aTeacherThatOverflowsStopsTheDistillationInOneLine() throws IOException {
        Path teacherFile = TinyModels.teacher(tmp, m);
        DiT teacher = ModelFiles.teacher(teacherFile, m);
        for (Parameter p : teacher.parameters().values()) {
            NDArray scaled = p.array().mul(1e30f);
            p.set(scaled);
        }
        Path huge = tmp.resolve("huge-teacher.safetensors");
        ModelFile.write(huge, ModelFiles.TEACHER, teacher.config(), teacher);
        Path config = write("distill.yaml", DistillYaml.tiny(huge, 3));
        CliHarness.Result r = CliHarness.run("distill", "--config", config.toString(), "--runs",
                tmp.resolve("runs").toString());
        refused(r, "non-finite values");
        assertFalse(Files.exists(tmp.resolve("runs/d/model.safetensors")));
    }

    @Test
    void aResumedRunDropsATornMetricsRowAndStaleTemporaryFiles() throws IOException {
        Path data = TinyModels.dataset(tmp.resolve("data"), 64, 10);
        Path config = write("cls.yaml", CLASSIFIER.replace("steps: 4", "steps: 6"));
        assertEquals(0, trainClassifier(config, data, "--name", "whole").exitCode());
        assertEquals(0, trainClassifier(config, data, "--name", "cut", "--stop-after", "4").exitCode());
        Path metrics = tmp.resolve("runs/cut/metrics.csv");
        Files.writeString(metrics, Files.readString(metrics) + "5,0.12", java.nio.file.StandardOpenOption.TRUNCATE_EXISTING);
        Path stale = tmp.resolve("runs/cut/checkpoints/.last.safetensors.x1y2.tmp");
        Files.write(stale, new byte[1000]);
        assertEquals(0, trainClassifier(config, data, "--name", "cut", "--resume").exitCode());
        assertFalse(Files.exists(stale), "an interrupted write's temporary file is removed");
        List<String> whole = Files.readAllLines(tmp.resolve("runs/whole/metrics.csv"));
        List<String> cut = Files.readAllLines(metrics);
        assertEquals(whole.size(), cut.size(), String.join("\n", cut));
        for (int i = 0; i < whole.size(); i++) {
            assertEquals(whole.get(i).split(",", -1).length, cut.get(i).split(",", -1).length, cut.get(i));
            assertEquals(whole.get(i).split(",")[0], cut.get(i).split(",")[0]);
        }
    }

    @Test
    void filesWhereDirectoriesShouldBeAreOneLine() throws IOException {
        Path data = TinyModels.dataset(tmp.resolve("data"), 32, 10);
        Path config = write("cls.yaml", CLASSIFIER);
        Path file = write("not-a-dir", "x");
        refused(CliHarness.run("train-classifier", "--config", config.toString(), "--data", data.toString(), "--runs",
                file.toString()), "is not a directory");
        refused(CliHarness.run("train-classifier", "--config", config.toString(), "--data", data.toString(), "--runs",
                file.resolve("below").toString()), "not-a-dir");
    }

    @Test
    void aCheckpointWhoseStoredConfigLiesCostsNoMoreThanItsHeader() throws IOException {
        Path teacherFile = TinyModels.teacher(tmp, m);
        String config = ModelFile.metadata(teacherFile, ModelFiles.TEACHER).get(ModelFile.KEY_CONFIG);
        String ae = TinyModels.autoencoder(tmp, m, 4).toString();
        for (String[] lie : new String[][] {{"\"depth\":1", "\"depth\":100000", "model.depth must be between"},
            {"\"hidden\":16", "\"hidden\":65532", "model.hidden must be between"},
            {"\"depth\":1", "\"depth\":2", "missing tensor model.blocks.1"},
            {"\"hidden\":16", "\"hidden\":32", "has shape"}}) {
            assertTrue(config.contains(lie[0]), config);
            Path liar = Fuzz.withMetadata(teacherFile, tmp.resolve("liar.safetensors"), ModelFile.KEY_CONFIG,
                    config.replace(lie[0], lie[1]));
            refused(CliHarness.run("sample", "--model", liar.toString(), "--autoencoder", ae, "--out",
                    tmp.resolve("x.png").toString()), lie[2]);
        }
        // a shape whose element count overflows a long is refused, not an ArithmeticException
        Path overflow = Fuzz.rewriteHeader(teacherFile, tmp.resolve("overflow.safetensors"),
                h -> h.replaceFirst("\"shape\":\\[[0-9,]*\\]", "\"shape\":[4611686018427387904,4]"));
        refused(CliHarness.run("sample", "--model", overflow.toString(), "--autoencoder", ae, "--out",
                tmp.resolve("x.png").toString()), "more values than any file holds");
        assertFalse(Files.exists(tmp.resolve("x.png")));
    }
}
