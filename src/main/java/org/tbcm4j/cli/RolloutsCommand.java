package org.tbcm4j.cli;

import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.tbcm4j.config.Configs;
import org.tbcm4j.distill.DistillConfig;
import org.tbcm4j.distill.TrajectoryStore;
import org.tbcm4j.util.Backend;
import org.tbcm4j.util.ChildProcess;
import org.tbcm4j.util.Home;
import org.tbcm4j.util.RunFailure;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tbcm rollouts}: parses, then writes shards of a {@link TrajectoryStore} (one, or all with --jobs workers). */
@Command(name = "rollouts", mixinStandardHelpOptions = true,
        description = "Write the teacher's rollouts of a TBCM config ahead of training, as shard I of N of a trajectory "
                + "store (distill reads it with --pairs store:DIR). A written shard is skipped; without --shard, every "
                + "shard is written by --jobs worker processes.")
public final class RolloutsCommand implements java.util.concurrent.Callable<Integer> {
    @Option(names = "--config", defaultValue = "configs/distill.yaml", description = "Distillation config (default: ${DEFAULT-VALUE}).")
    String config;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override a config key (repeatable).")
    List<String> sets = new ArrayList<>();

    @Option(names = "--out", required = true, description = "The store's directory.")
    Path out;

    @Option(names = "--shard", description = "Write this shard only (0-based), in this process: what one worker does.")
    Integer shard;

    @Option(names = "--of", required = true, description = "Shards of the store: together they hold the config's "
            + "training.steps iterations.")
    int of;

    @Option(names = "--jobs", defaultValue = "1", description = "Without --shard: worker processes at once (default: "
            + "${DEFAULT-VALUE}, which writes every shard in this process).")
    int jobs;

    @Override
    public Integer call() throws Exception {
        if (of < 1 || of > 100_000) {
            throw new IllegalArgumentException("--of must be in 1..100000, got " + of);
        }
        if (jobs < 1 || jobs > 256) {
            throw new IllegalArgumentException("--jobs must be in 1..256, got " + jobs);
        }
        DistillConfig cfg = Configs.load(Home.resolve(config), DistillConfig.class, sets);
        if (!"tbcm".equals(cfg.method()) || cfg.trajectoryStore() != null) {
            throw new IllegalArgumentException("rollouts writes the pairs of method tbcm's online rollouts; this config is "
                    + "method " + cfg.method() + (cfg.trajectoryStore() != null ? " reading a store" : ""));
        }
        long start = System.nanoTime();
        if (shard != null || jobs == 1) {
            try (NDManager root = Backend.newManager()) {
                for (int s = shard != null ? shard : 0; s <= (shard != null ? shard : of - 1); s++) {
                    long shardStart = System.nanoTime();
                    if (TrajectoryStore.writeShard(cfg, out, s, of, root)) {
                        System.out.printf(java.util.Locale.ROOT, "shard %d of %d written in %.1f s%n", s, of,
                                (System.nanoTime() - shardStart) / 1e9);
                    }
                }
            }
            if (shard == null) {
                System.out.printf(java.util.Locale.ROOT, "%s: %d shards, %.1f s with 1 worker%n", out, of,
                        (System.nanoTime() - start) / 1e9);
            }
            return 0;
        }
        // the workers: plain processes, one per shard, as a job launcher on many machines would start them
        ExecutorService pool = Executors.newFixedThreadPool(jobs);
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int s = 0; s < of; s++) {
                List<String> args = new ArrayList<>(List.of("rollouts", "--config", Home.resolve(config).toString(),
                        "--out", out.toAbsolutePath().toString(), "--shard", String.valueOf(s), "--of", String.valueOf(of)));
                sets.forEach(set -> args.addAll(List.of("--set", set)));
                Path log = out.resolve(String.format(java.util.Locale.ROOT, "worker-%05d.log", s));
                running.add(pool.submit(() -> ChildProcess.run(log, ChildProcess.Log.REPLACE,
                        Math.max(1, Runtime.getRuntime().availableProcessors() / jobs), args.toArray(String[]::new))));
            }
            for (Future<?> f : running) {
                try {
                    f.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    throw new RunFailure("a rollouts worker failed: " + e.getCause().getMessage()
                            + "; run the same command again to write the shards still missing");
                }
            }
        } finally {
            pool.shutdownNow();
        }
        System.out.printf(java.util.Locale.ROOT, "%s: %d shards, %.1f s with %d workers%n", out, of,
                (System.nanoTime() - start) / 1e9, jobs);
        return 0;
    }
}
