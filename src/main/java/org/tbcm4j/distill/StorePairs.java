package org.tbcm4j.distill;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.tbcm4j.checkpoint.CheckpointFile;
import org.tbcm4j.nn.Tensors;
import org.tbcm4j.util.Digests;
import org.tbcm4j.util.Home;

/**
 * TBCM's pairs read from a {@link TrajectoryStore}: iteration {@code step}'s pairs are the ones the online
 * run would have rolled out at that iteration, streamed shard by shard (one shard in memory at a time, as
 * host arrays), with no teacher evaluation at training time. A store of another teacher or of other rollout
 * settings, or one with too few shards for the run, is refused before training starts.
 */
public final class StorePairs implements PairSource {
    private final Path store;
    private final int perShard;
    private final int pairs;
    private final long[] latent;
    private int loaded = -1;
    private float[] xt;
    private float[] t;
    private float[] v;
    private long[] classes;
    private float[] guidance;
    private float[] mask;
    private long[] dropped;

    private StorePairs(Path store, int perShard, int pairs, long[] latent) {
        this.store = store;
        this.perShard = perShard;
        this.pairs = pairs;
        this.latent = latent;
    }

    /** Opens {@code store} for {@code cfg}: the same teacher and rollout settings, and every shard the run needs. */
    public static StorePairs open(DistillConfig cfg, Path store) {
        if (!java.nio.file.Files.isDirectory(store)) {
            throw new IllegalArgumentException("trajectory_store " + store + " is not a directory (write it with "
                    + "bin/tbcm rollouts)");
        }
        if (!java.nio.file.Files.exists(store.resolve(TrajectoryStore.MANIFEST))) {
            throw new IllegalArgumentException("trajectory_store " + store + " has no " + TrajectoryStore.MANIFEST
                    + " (write it with bin/tbcm rollouts)");
        }
        int perShard = TrajectoryStore.requireManifest(cfg, store, Digests.sha256(Home.resolve(cfg.teacher())), -1);
        long iterations = cfg.training().steps();
        int needed = TrajectoryStore.shardsFor(iterations, perShard);
        int missing = 0;
        int firstMissing = -1;
        for (int shard = 0; shard < needed; shard++) {
            if (!java.nio.file.Files.exists(TrajectoryStore.shardRecord(store, shard))) {
                missing++;
                firstMissing = firstMissing < 0 ? shard : firstMissing;
            }
        }
        if (missing > 0) {
            throw new IllegalArgumentException(String.format(java.util.Locale.ROOT, "%s lacks %d of the %d shards this "
                    + "run's %d iterations need (%d iterations each), the first shard %d; write them with bin/tbcm "
                    + "rollouts --config C --out %s --shard I --of %d (the store never reuses pairs)", store, missing,
                    needed, iterations, perShard, firstMissing, store, needed));
        }
        return new StorePairs(store, perShard, cfg.pairsPerIteration(), latentShape(store));
    }

    /** The latent shape of the pairs [C, H, W], read from the first shard's header. */
    private static long[] latentShape(Path store) {
        Path file = TrajectoryStore.shardFile(store, 0);
        long[] shape = org.tbcm4j.checkpoint.SafetensorsHeader.read(file).entries().stream()
                .filter(e -> e.name().equals("xt")).findFirst()
                .orElseThrow(() -> new org.tbcm4j.util.RunFailure(file + " holds no pairs (no tensor xt)")).shape();
        if (shape.length != 4) {
            throw new org.tbcm4j.util.RunFailure(file + ": its pairs are not [n, C, H, W] latents");
        }
        return Arrays.copyOfRange(shape, 1, 4);
    }

    @Override
    public PairBatch next(long step, NDManager m) {
        int shard = Math.toIntExact((step - 1) / perShard);
        if (shard != loaded) {
            load(shard);
        }
        int iteration = Math.toIntExact(step - 1 - (long) shard * perShard);
        int from = iteration * pairs;
        int size = Math.toIntExact(latent[0] * latent[1] * latent[2]);
        NDArray x = Tensors.float32(m, Arrays.copyOfRange(xt, from * size, (from + pairs) * size), pairs, latent[0],
                latent[1], latent[2]);
        NDArray vv = Tensors.float32(m, Arrays.copyOfRange(v, from * size, (from + pairs) * size), pairs, latent[0],
                latent[1], latent[2]);
        return new PairBatch(x, Tensors.float32(m, Arrays.copyOfRange(t, from, from + pairs), pairs), vv,
                Tensors.classIds(m, Arrays.copyOfRange(classes, from, from + pairs)),
                Tensors.float32(m, Arrays.copyOfRange(guidance, from, from + pairs), pairs),
                Tensors.float32(m, Arrays.copyOfRange(mask, from, from + pairs), pairs), 0, (int) dropped[iteration], null);
    }

    /** Reads shard {@code shard} into host arrays, after checking its bytes against its record. */
    private void load(int shard) {
        Path file = TrajectoryStore.shardFile(store, shard);
        String expected = TrajectoryStore.read(TrajectoryStore.shardRecord(store, shard)).path("sha256").asText();
        if (!expected.equals(Digests.sha256(file))) {
            throw new org.tbcm4j.util.RunFailure(file + " does not match its record (sha256); write shard " + shard
                    + " again with bin/tbcm rollouts");
        }
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> tensors = CheckpointFile.read(file, m).tensors();
            long rows = (long) perShard * pairs;
            if (tensors.get("t").getShape().get(0) != rows) {
                throw new org.tbcm4j.util.RunFailure(file + " holds " + tensors.get("t").getShape().get(0) + " pairs, not "
                        + rows);
            }
            xt = tensors.get("xt").toFloatArray();
            t = tensors.get("t").toFloatArray();
            v = tensors.get("v").toFloatArray();
            classes = tensors.get("classes").toLongArray();
            guidance = tensors.get("guidance").toFloatArray();
            mask = tensors.get("mask").toFloatArray();
            dropped = tensors.get("dropped").toLongArray();
        }
        loaded = shard;
    }

    @Override
    public int pairsPerIteration() {
        return pairs;
    }

    @Override
    public String name() {
        return "trajectory store";
    }
}
