package org.tbcm4j.cli;

import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.tbcm4j.bench.SharedCpuBenchmark;
import org.tbcm4j.config.Configs;
import org.tbcm4j.distill.DistillConfig;
import org.tbcm4j.train.RunDirectory;
import org.tbcm4j.util.Backend;
import org.tbcm4j.util.Home;
import org.tbcm4j.util.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tbcm bench shared-cpu}: a short distillation alone and beside a one-core busy loop. */
@Command(name = "shared-cpu", mixinStandardHelpOptions = true,
        description = "Run a short distillation alone and beside a one-core busy loop, alternately, and report "
                + "pairs per second in each and their ratio (a shared CPU must not make distillation collapse).")
public final class BenchSharedCpuCommand implements Callable<Integer> {
    @Option(names = "--config", defaultValue = "configs/distill.yaml", description = "Distillation config (default: ${DEFAULT-VALUE}).")
    String config;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override a config key (repeatable).")
    List<String> sets = new ArrayList<>();

    @Option(names = "--steps", defaultValue = "40", description = "Iterations per run (default: ${DEFAULT-VALUE}).")
    long steps;

    @Option(names = "--rounds", defaultValue = "2", description = "Runs of each condition, alternating (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--out", defaultValue = "runs/bench-shared-cpu", description = "Scratch directory for the runs (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--data", description = "Dataset for the data arms (default: Fashion-MNIST in /usr/share/datasets/fashion-mnist).")
    Path data;

    @Option(names = "--json", description = "Also write the result to this JSON file.")
    Path json;

    @Override
    public Integer call() throws Exception {
        if (steps < 1 || rounds < 1) {
            throw new IllegalArgumentException("--steps and --rounds must be at least 1");
        }
        List<String> all = new ArrayList<>(sets);
        all.addAll(List.of("training.eval_every=0", "training.snapshot_every=0", "training.checkpoint_every=100000"));
        // The run's schedules shrink with it, as a fresh distill --steps does.
        DistillConfig cfg = Configs.load(Home.resolve(config), DistillConfig.class, all).rescaledTo(steps);
        SharedCpuBenchmark.Result r;
        try (NDManager root = Backend.newManager()) {
            r = SharedCpuBenchmark.run(cfg, Home.resolve(out.toString()), data, rounds, root);
        }
        System.out.printf(Locale.ROOT, "%d iterations x %d pairs per run; libtorch threads %d of %d cores available, "
                + "OpenMP wait policy %s%n", r.steps(), r.pairsPerIteration(), r.threads(), r.cores(), r.waitPolicy());
        for (SharedCpuBenchmark.Segment s : r.segments()) {
            System.out.printf(Locale.ROOT, "  round %d, %-28s %7.1f s  %7.1f pairs/s%n", s.round(), s.condition(),
                    s.seconds(), s.pairsPerSecond());
        }
        System.out.printf(Locale.ROOT, "median pairs/s: alone %.1f, beside the busy loop %.1f: %.0f %% of alone%n",
                r.aloneMedian(), r.busyMedian(), 100 * r.busyOverAlone());
        if (json != null) {
            RunDirectory.writeAtomically(json, Json.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(r));
        }
        return 0;
    }
}
