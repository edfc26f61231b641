package org.tbcm4j.distill;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.tbcm4j.checkpoint.CheckpointFile;
import org.tbcm4j.model.DiT;
import org.tbcm4j.nn.StepScope;
import org.tbcm4j.util.AtomicFiles;
import org.tbcm4j.util.Digests;
import org.tbcm4j.util.Home;
import org.tbcm4j.util.Json;
import org.tbcm4j.util.RunFailure;

/**
 * TBCM's pairs made ahead of training: the teacher's rollouts of iterations 1, 2, … written in shards of
 * {@code iterations_per_shard} iterations each, as the online run would make them (the same code, the same
 * (seed, iteration) streams, the degenerate-sample filter applied at write time). A store is a directory:
 *
 * <ul>
 *   <li>{@code manifest.json}: the format, the teacher file's SHA-256, the config keys the pairs depend on
 *       and the shard size; written once, the same by every worker;</li>
 *   <li>{@code shard-NNNNN.safetensors}: a shard's pairs, iteration major, with each iteration's dropped
 *       prompts and teacher evaluations;</li>
 *   <li>{@code shard-NNNNN.json}: written last, its iterations, the shard file's SHA-256 and what the filter
 *       dropped. A shard counts as written only with it, so a killed worker leaves nothing that counts.</li>
 * </ul>
 *
 * Each shard depends only on the config, the teacher and its index (it is computed on one libtorch thread,
 * whose rounding does not depend on the machine's cores), so the store N workers write is byte-identical to
 * the one a single worker writes, and a shard already written is skipped.
 */
public final class TrajectoryStore {
    public static final String FORMAT = "tbcm4j-trajectory-store/1";
    static final String MANIFEST = "manifest.json";

    private TrajectoryStore() {}

    /** The shard size a new store of {@code iterations} iterations in {@code shards} shards gets. */
    public static int iterationsPerShard(long iterations, int shards) {
        return Math.toIntExact((iterations + shards - 1) / shards);
    }

    /** Shards needed for {@code iterations} iterations at {@code perShard} per shard. */
    static int shardsFor(long iterations, int perShard) {
        return Math.toIntExact((iterations + perShard - 1) / perShard);
    }

    static Path shardFile(Path store, int shard) {
        return store.resolve(String.format(Locale.ROOT, "shard-%05d.safetensors", shard));
    }

    static Path shardRecord(Path store, int shard) {
        return store.resolve(String.format(Locale.ROOT, "shard-%05d.json", shard));
    }

    /**
     * The config keys the pairs depend on: the seed, the prompts, the route and its draw, the guidance scales
     * and the filter (its reference by content, not by path, so that a store moves between machines).
     */
    static ObjectNode rolloutKeys(DistillConfig cfg) {
        ObjectNode keys = Json.JSON.createObjectNode();
        keys.put("seed", cfg.seed());
        keys.put("prompts_per_iteration", cfg.promptsPerIteration());
        keys.put("route_steps", cfg.routeSteps());
        keys.put("route_shift", cfg.routeShift());
        keys.put("route", cfg.route());
        keys.set("guidance_scales", Json.JSON.valueToTree(cfg.guidanceScales()));
        boolean filtered = cfg.filter() != null && cfg.filter().enabled();
        keys.put("filter", filtered ? "threshold " + cfg.filter().threshold() + ", reference sha256 "
                + Digests.sha256(Home.resolve(cfg.filter().reference())) : "off");
        return keys;
    }

    private static ObjectNode manifest(DistillConfig cfg, String teacherSha256, int perShard) {
        ObjectNode m = Json.JSON.createObjectNode();
        m.put("format", FORMAT);
        m.put("teacher_sha256", teacherSha256);
        m.set("rollouts", rolloutKeys(cfg));
        m.put("iterations_per_shard", perShard);
        m.put("pairs_per_iteration", cfg.pairsPerIteration());
        return m;
    }

    /**
     * Writes shard {@code shard} of the store {@code store} for {@code cfg} (iterations shard·S+1 to
     * (shard+1)·S, S the shard size: the store's if it exists, else iterationsPerShard(steps, shards)); a shard
     * already written is skipped. Returns false when it was.
     */
    public static boolean writeShard(DistillConfig cfg, Path store, int shard, int shards, NDManager root) {
        if (shard < 0 || shard >= shards) {
            throw new IllegalArgumentException("--shard must be in 0.." + (shards - 1) + ", got " + shard);
        }
        Path teacherFile = Home.resolve(cfg.teacher());
        String teacherSha = Digests.sha256(teacherFile);
        int perShard = requireManifest(cfg, store, teacherSha, iterationsPerShard(cfg.training().steps(), shards));
        if (written(store, shard)) {
            System.out.println(shardRecord(store, shard) + ": written already");
            return false;
        }
        long first = (long) shard * perShard + 1;
        long last = first + perShard - 1;
        // one thread: the shard's bytes must not depend on the machine or on how many workers share it
        org.tbcm4j.util.Backend.singleThreaded(() -> {
            write(cfg, teacherFile, store, shard, first, last, perShard, root);
            return null;
        });
        return true;
    }

    private static void write(DistillConfig cfg, Path teacherFile, Path store, int shard, long first, long last,
            int perShard, NDManager root) {
        try (NDManager m = root.newSubManager()) {
            DiT teacher = org.tbcm4j.model.ModelFiles.teacher(teacherFile, m);
            TrajectoryPairs pairs = Tbcm.pairs(cfg, teacher, m);
            NDList xs = new NDList();
            NDList ts = new NDList();
            NDList vs = new NDList();
            NDList classes = new NDList();
            NDList guidance = new NDList();
            NDList masks = new NDList();
            long[] dropped = new long[perShard];
            long[] evaluations = new long[perShard];
            for (long step = first; step <= last; step++) {
                try (StepScope s = StepScope.open(m)) {
                    PairBatch b = pairs.next(step, s.manager());
                    int i = (int) (step - first);
                    dropped[i] = b.dropped();
                    evaluations[i] = b.teacherEvaluations();
                    xs.add(s.keep(b.xt()));
                    ts.add(s.keep(b.t()));
                    vs.add(s.keep(b.v()));
                    classes.add(s.keep(b.classes()));
                    guidance.add(s.keep(b.guidance()));
                    masks.add(s.keep(b.mask()));
                }
            }
            Map<String, NDArray> tensors = new LinkedHashMap<>();
            tensors.put("xt", NDArrays.concat(xs, 0));
            tensors.put("t", NDArrays.concat(ts, 0));
            tensors.put("v", NDArrays.concat(vs, 0));
            tensors.put("classes", NDArrays.concat(classes, 0));
            tensors.put("guidance", NDArrays.concat(guidance, 0));
            tensors.put("mask", NDArrays.concat(masks, 0));
            tensors.put("dropped", org.tbcm4j.nn.Tensors.classIds(m, dropped));
            tensors.put("teacher_evaluations", org.tbcm4j.nn.Tensors.classIds(m, evaluations));
            Path file = shardFile(store, shard);
            CheckpointFile.write(file, tensors, Map.of("format", FORMAT, "iterations", first + "-" + last));
            Map<String, Object> record = new LinkedHashMap<>();
            record.put("shard", shard);
            record.put("first_iteration", first);
            record.put("last_iteration", last);
            record.put("sha256", Digests.sha256(file));
            record.put("dropped_prompts", java.util.Arrays.stream(dropped).sum());
            record.put("teacher_evaluations", java.util.Arrays.stream(evaluations).sum());
            AtomicFiles.write(shardRecord(store, shard), Json.write(record).getBytes(StandardCharsets.UTF_8));
            System.out.printf(Locale.ROOT, "%s: iterations %d-%d, %d pairs, %d prompts dropped by the filter%n", file,
                    first, last, perShard * (long) cfg.pairsPerIteration(), record.get("dropped_prompts"));
        }
    }

    /** Whether shard {@code shard} is written: its record exists and names the shard file's digest. */
    static boolean written(Path store, int shard) {
        Path record = shardRecord(store, shard);
        Path file = shardFile(store, shard);
        if (!Files.exists(record) || !Files.exists(file)) {
            return false;
        }
        return read(record).path("sha256").asText().equals(Digests.sha256(file));
    }

    /**
     * The store's manifest, checked against this config and teacher, or written (shard size {@code perShard})
     * if the store is new; returns the store's shard size.
     */
    static int requireManifest(DistillConfig cfg, Path store, String teacherSha, int perShard) {
        Path file = store.resolve(MANIFEST);
        if (!Files.exists(file)) {
            try {
                Files.createDirectories(store);
            } catch (IOException e) {
                throw new UncheckedIOException(store + ": " + e.getMessage(), e);
            }
            AtomicFiles.write(file, Json.write(manifest(cfg, teacherSha, perShard)).getBytes(StandardCharsets.UTF_8));
            return perShard;
        }
        JsonNode m = read(file);
        if (!FORMAT.equals(m.path("format").asText())) {
            throw new IllegalArgumentException(file + " is not a trajectory store (format " + m.path("format") + ")");
        }
        if (!teacherSha.equals(m.path("teacher_sha256").asText())) {
            throw new IllegalArgumentException(store + " holds another teacher's rollouts (teacher sha256 "
                    + m.path("teacher_sha256").asText() + ", this run's " + cfg.teacher() + " is " + teacherSha + ")");
        }
        JsonNode now;
        try {
            // compared as read back from text, where a long that fits in an int reads as one
            now = Json.JSON.readTree(Json.write(rolloutKeys(cfg)));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        for (java.util.Iterator<String> it = now.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!now.get(key).equals(m.path("rollouts").path(key))) {
                throw new IllegalArgumentException(store + " was written with " + key + " " + m.path("rollouts").path(key)
                        + ", this config has " + now.get(key));
            }
        }
        if (m.path("pairs_per_iteration").asInt() != cfg.pairsPerIteration() || m.path("iterations_per_shard").asInt() < 1) {
            throw new IllegalArgumentException(file + ": its shards do not hold this config's " + cfg.pairsPerIteration()
                    + " pairs per iteration");
        }
        return m.path("iterations_per_shard").asInt();
    }

    static JsonNode read(Path file) {
        try {
            return Json.JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new RunFailure(file + " cannot be read: " + e.getMessage());
        }
    }
}
