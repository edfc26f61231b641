package org.tbcm4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tbcm4j.testing.WithManager;
import org.tbcm4j.util.ProcessMemory;

/**
 * A seeded fuzz test: the shipped and miniature checkpoints, a training checkpoint, the IDX files and a
 * config, corrupted in many ways, go through the real entry point; every case must exit 1 or 2 with exactly
 * one line on standard error starting "tbcm: error:", no stack trace, nothing written outside the run root,
 * and no more resident memory than a bound. (bench fuzz is not needed: raise CASES for a larger corpus.)
 */
class FuzzTest extends WithManager {
    private static final long SEED = 20261201L;
    /** Cases per category and base file. */
    private static final int CASES = 5;
    /** Far below what a lying header used to cost (13 GB), far above what loading a miniature model takes. */
    private static final long MEMORY_BOUND = 768L << 20;

    @TempDir
    Path tmp;

    private final Map<String, Integer> counts = new TreeMap<>();
    private final Map<String, Integer> failed = new TreeMap<>();
    private final List<String> failures = new ArrayList<>();
    private List<Path> outside;
    private int next;

    @Test
    void corruptedInputsAreRefusedInOneLineWithinBounds() throws IOException {
        Random rng = new Random(SEED);
        Path base = Files.createDirectories(tmp.resolve("base"));
        Path teacher = TinyModels.teacher(base, m);
        Path ae = TinyModels.autoencoder(base, m, 4);
        Path classifier = TinyModels.classifierFile(base, m);
        Path reference = TinyModels.reference(base, m);
        Path data = TinyModels.dataset(base.resolve("data"), 32, 10);
        Path config = Files.writeString(base.resolve("cls.yaml"), CONFIG);
        Path runs = tmp.resolve("runs");
        CliHarness.Result started = CliHarness.run("train-classifier", "--config", config.toString(), "--data",
                data.toString(), "--runs", runs.toString(), "--name", "base", "--stop-after", "2");
        assertEquals(0, started.exitCode(), started.err());
        Path corpus = Files.createDirectories(tmp.resolve("corpus"));
        Path out = tmp.resolve("out");
        outside = listing();

        Map<String, Path> models = Map.of("tiny-teacher", teacher, "tiny-autoencoder", ae, "tiny-classifier", classifier,
                "shipped-teacher", Path.of("models/fashion-mnist/teacher.safetensors"),
                "checkpoint", runs.resolve("base/checkpoints/last.safetensors"));
        for (Fuzz.Safetensors kind : Fuzz.Safetensors.values()) {
            for (Map.Entry<String, Path> b : new TreeMap<>(models).entrySet()) {
                for (int i = 0; i < CASES; i++) {
                    Path bad = Fuzz.write(corpus.resolve("case-" + next + ".safetensors"), kind.apply(b.getValue(), rng));
                    String what = kind + " of " + b.getKey();
                    switch (b.getKey()) {
                        case "tiny-teacher" -> check(what, "sample", "--model", bad.toString(), "--autoencoder", ae.toString(),
                                "--steps", "1", "--per-class", "1", "--out", out.resolve("x.png").toString());
                        case "shipped-teacher" -> check(what, "sample", "--model", bad.toString(), "--autoencoder",
                                "models/fashion-mnist/autoencoder.safetensors", "--steps", "1", "--per-class", "1", "--out",
                                out.resolve("x.png").toString());
                        case "tiny-autoencoder" -> check(what, "sample", "--model", teacher.toString(), "--autoencoder",
                                bad.toString(), "--steps", "1", "--per-class", "1", "--out", out.resolve("x.png").toString());
                        case "tiny-classifier" -> check(what, "eval", "--model", teacher.toString(), "--autoencoder",
                                ae.toString(), "--classifier", bad.toString(), "--reference", reference.toString(),
                                "--samples", "20", "--steps", "1");
                        default -> {
                            String name = "case-" + next;
                            copyRun(runs.resolve("base"), runs.resolve(name), bad);
                            check(what, "train-classifier", "--config", config.toString(), "--data", data.toString(),
                                    "--runs", runs.toString(), "--name", name, "--resume");
                        }
                    }
                    count(kind.name(), "safetensors");
                }
            }
        }
        for (Idx kind : Idx.values()) {
            for (String file : new String[] {"train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
                "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"}) {
                if (kind == Idx.LABEL_OUT_OF_RANGE && file.contains("images")) {
                    continue;
                }
                for (int i = 0; i < CASES; i++) {
                    Path dir = Files.createDirectories(corpus.resolve("data-" + next));
                    try (Stream<Path> files = Files.list(data)) {
                        for (Path f : files.toList()) {
                            Files.copy(f, dir.resolve(f.getFileName()));
                        }
                    }
                    Files.write(dir.resolve(file), kind.apply(Files.readAllBytes(data.resolve(file)), rng));
                    check(kind + " of " + file, "train-classifier", "--config", config.toString(), "--data",
                            dir.toString(), "--runs", runs.toString(), "--name", "idx-" + next);
                    count(kind.name(), "idx");
                }
            }
        }
        for (Yaml kind : Yaml.values()) {
            for (int i = 0; i < 2 * CASES; i++) {
                Path bad = Files.writeString(corpus.resolve("case-" + next + ".yaml"), kind.apply(CONFIG, rng));
                check(kind + " config", "train-classifier", "--config", bad.toString(), "--data", data.toString(),
                        "--runs", runs.toString(), "--name", "yaml-" + next);
                count(kind.name(), "config");
            }
        }
        System.out.println("fuzz cases by category: " + counts);
        System.out.println("failed cases by category: " + failed);
        assertTrue(counts.values().stream().mapToInt(Integer::intValue).sum() > 200, counts.toString());
        assertTrue(failures.isEmpty(), failures.size() + " of " + next + " cases failed (by category: " + failed
                + "); the first: " + failures.subList(0, Math.min(5, failures.size())));
    }

    private static final String CONFIG = "name: cls\nseed: 1\nmodel:\n  channels: [8, 8, 8]\n  feature_dim: 16\n"
            + "  num_classes: 10\n  groups: 4\ntraining:\n  steps: 3\n  batch_size: 16\n  lr: 1.0e-3\n  warmup_steps: 1\n"
            + "  cosine_decay: false\n  weight_decay: 0.0\n  clip_norm: 1.0\n  ema_decay: 0.9\n  checkpoint_every: 2\n"
            + "  log_every: 1\n  eval_every: 0\n  snapshot_every: 0\nmax_shift: 2\n";

    private void count(String kind, String format) {
        counts.merge(format + "/" + kind, 1, Integer::sum);
        next++;
    }

    /**
     * Runs one case and checks everything a refusal must be; a failure is recorded (all cases run, so the
     * report counts them by category) and fails the test at the end.
     */
    private void check(String what, String... args) throws IOException {
        // where the kernel refuses to reset the peak (some containers), the bound cannot be measured per case
        boolean measurable = ProcessMemory.resetPeak();
        long before = ProcessMemory.residentBytes();
        CliHarness.Result r = CliHarness.run(args);
        long rise = ProcessMemory.peakResidentBytes() - before;
        List<String> wrong = new ArrayList<>();
        if (r.exitCode() != 1 && r.exitCode() != 2) {
            wrong.add("exit " + r.exitCode());
        }
        if (!r.err().startsWith("tbcm: error: ") || r.err().strip().lines().count() != 1) {
            wrong.add("not one 'tbcm: error:' line");
        }
        if (r.err().contains("Exception") || r.err().contains("\tat ")) {
            wrong.add("a stack trace");
        }
        if (measurable && rise >= MEMORY_BOUND) {
            wrong.add("resident memory rose by " + (rise >> 20) + " MiB");
        }
        List<Path> now = listing();
        if (!now.equals(outside)) {
            wrong.add("wrote outside the run root");
            outside = now;
        }
        if (!wrong.isEmpty()) {
            failed.merge(what.substring(0, what.indexOf(' ')), 1, Integer::sum);
            failures.add("case " + next + " (" + what + "): " + wrong + ", stderr: "
                    + r.err().lines().findFirst().orElse(""));
        }
    }

    /** Every path under tmp outside the corpus and the run root. */
    private List<Path> listing() throws IOException {
        try (Stream<Path> files = Files.walk(tmp)) {
            return files.filter(p -> !p.startsWith(tmp.resolve("corpus")) && !p.startsWith(tmp.resolve("runs"))).sorted()
                    .toList();
        }
    }

    /** A copy of a run directory with its checkpoint replaced. */
    private static void copyRun(Path from, Path to, Path checkpoint) throws IOException {
        Files.createDirectories(to.resolve("checkpoints"));
        Files.copy(from.resolve("config.yaml"), to.resolve("config.yaml"));
        Files.copy(from.resolve("metrics.csv"), to.resolve("metrics.csv"));
        Files.copy(checkpoint, to.resolve("checkpoints/last.safetensors"));
    }

    private static byte[] gunzip(byte[] gz) throws IOException {
        try (InputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(gz))) {
            return in.readAllBytes();
        }
    }

    private static byte[] gzip(byte[] raw) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(out)) {
            z.write(raw);
        }
        return out.toByteArray();
    }

    /** Corruptions of a gzipped IDX file that no reader may accept. */
    enum Idx {
        TRUNCATED_GZIP {
            @Override
            byte[] apply(byte[] gz, Random rng) {
                return java.util.Arrays.copyOf(gz, rng.nextInt(gz.length));
            }
        },
        GZIP_BODY_FLIP {
            @Override
            byte[] apply(byte[] gz, Random rng) {
                // past the 10-byte header, whose time stamp no checksum covers; the CRC-32 catches any byte flip
                byte[] b = gz.clone();
                b[10 + rng.nextInt(b.length - 10)] ^= (byte) (1 + rng.nextInt(255));
                return b;
            }
        },
        BAD_MAGIC {
            @Override
            byte[] apply(byte[] gz, Random rng) throws IOException {
                byte[] raw = gunzip(gz);
                int magic = ByteBuffer.wrap(raw).getInt(0);
                int lie = rng.nextInt();
                ByteBuffer.wrap(raw).putInt(0, lie == magic ? magic + 1 : lie);
                return gzip(raw);
            }
        },
        LYING_DIMENSION {
            @Override
            byte[] apply(byte[] gz, Random rng) throws IOException {
                byte[] raw = gunzip(gz);
                int rank = raw[3];
                int dim = rng.nextInt(rank);
                int value = ByteBuffer.wrap(raw).getInt(4 + 4 * dim);
                int[] lies = {value + 1, value - 1, 0, -1, Integer.MAX_VALUE, value * 2};
                ByteBuffer.wrap(raw).putInt(4 + 4 * dim, lies[rng.nextInt(lies.length)]);
                return gzip(raw);
            }
        },
        LABEL_OUT_OF_RANGE {
            @Override
            byte[] apply(byte[] gz, Random rng) throws IOException {
                byte[] raw = gunzip(gz);
                raw[8 + rng.nextInt(raw.length - 8)] = (byte) (10 + rng.nextInt(246));
                return gzip(raw);
            }
        },
        TRAILING_BYTES {
            @Override
            byte[] apply(byte[] gz, Random rng) throws IOException {
                byte[] raw = gunzip(gz);
                return gzip(java.util.Arrays.copyOf(raw, raw.length + 1 + rng.nextInt(100)));
            }
        };

        abstract byte[] apply(byte[] gz, Random rng) throws IOException;
    }

    /** Corruptions of a config that must each be one clear error. */
    enum Yaml {
        TRUNCATED {
            @Override
            String apply(String c, Random rng) {
                // the last key is max_shift: every cut before its value's end loses or empties it
                return c.substring(0, rng.nextInt(c.length() - 1));
            }
        },
        DUPLICATE_KEY {
            @Override
            String apply(String c, Random rng) {
                String[] top = {"name: other\n", "seed: 3\n", "max_shift: 1\n", "model:\n  groups: 2\n"};
                return c + top[rng.nextInt(top.length)];
            }
        },
        EXTRA_DOCUMENT {
            @Override
            String apply(String c, Random rng) {
                return c + "---\n" + (rng.nextBoolean() ? "name: x\n" : "");
            }
        },
        EMPTY_VALUE {
            @Override
            String apply(String c, Random rng) {
                String[] keys = {"name", "model", "training", "channels", "lr", "batch_size", "max_shift"};
                String k = keys[rng.nextInt(keys.length)];
                return c.replaceFirst("(?m)^( *" + k + "):.*$", "$1: ~");
            }
        },
        WRONG_TYPE {
            @Override
            String apply(String c, Random rng) {
                String[] keys = {"seed", "steps", "batch_size", "max_shift", "feature_dim", "checkpoint_every"};
                String[] values = {"1.5", "many", "[1, 2]", "{a: 1}", "true", "1e400", "99999999999999999999"};
                return c.replaceFirst("(?m)^( *" + keys[rng.nextInt(keys.length)] + "):.*$", "$1: "
                        + values[rng.nextInt(values.length)]);
            }
        },
        UNKNOWN_KEY {
            @Override
            String apply(String c, Random rng) {
                return c + (rng.nextBoolean() ? "max_shfit: 2\n" : "training_extra: 1\n");
            }
        },
        BOMB {
            @Override
            String apply(String c, Random rng) {
                switch (rng.nextInt(3)) {
                    case 0 -> {
                        StringBuilder b = new StringBuilder("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
                        for (int i = 1; i < 10; i++) {
                            b.append("a").append(i).append(": &a").append(i).append(" [")
                                    .append(String.join(", ", java.util.Collections.nCopies(10, "*a" + (i - 1)))).append("]\n");
                        }
                        return b + c;
                    }
                    case 1 -> {
                        int depth = 2000 + rng.nextInt(50000);
                        return c + "deep: " + "[".repeat(depth) + "]".repeat(depth) + "\n";
                    }
                    default -> {
                        return c + "# " + "x".repeat((1 << 20) + rng.nextInt(1 << 20)) + "\n";
                    }
                }
            }
        };

        abstract String apply(String c, Random rng);
    }
}
