package org.tbcm4j.cli;

import java.util.Locale;
import java.util.concurrent.Callable;
import org.tbcm4j.bench.JvpBenchmark;
import org.tbcm4j.model.DiTConfig;
import org.tbcm4j.nn.AttentionKind;
import org.tbcm4j.util.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tbcm bench}: performance measurements. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measurements: the DiT's forward/JVP/backward speed (jvp, the default), the metrics' speed "
                + "(metrics), TBCM against data sCM and Sana-Sprint (distill), and one distillation iteration broken "
                + "down by component (iteration), and a distillation alone against beside a busy core (shared-cpu).",
        subcommands = {BenchCommand.Jvp.class, BenchCommand.Metrics.class, BenchDistillCommand.class,
            BenchIterationCommand.class, BenchSharedCpuCommand.class})
public final class BenchCommand implements Callable<Integer> {

    @Override
    public Integer call() {
        return new Jvp().call();
    }

    /** {@code tbcm bench metrics}. */
    @Command(name = "metrics", mixinStandardHelpOptions = true,
            description = "Time FD, KID and precision/recall on random 128-d features at evaluation scale.")
    public static final class Metrics implements Callable<Integer> {
        @Option(names = "--samples", defaultValue = "10000", description = "Samples per set (default: ${DEFAULT-VALUE}).")
        int samples;
        @Option(names = "--dimension", defaultValue = "128", description = "Feature dimension (default: ${DEFAULT-VALUE}).")
        int dimension;

        @Override
        public Integer call() {
            if (samples < 10 || dimension < 1) {
                throw new IllegalArgumentException("--samples must be at least 10 and --dimension at least 1");
            }
            org.tbcm4j.bench.MetricsBenchmark.Result r = org.tbcm4j.bench.MetricsBenchmark.run(samples, dimension, 0);
            System.out.printf(Locale.ROOT, "%d x %d samples, %d-d features, %d cores: FD %.2f s, KID %.2f s, "
                            + "precision/recall %.2f s%n", samples, samples, dimension,
                    Runtime.getRuntime().availableProcessors(), r.fdSeconds(), r.kidSeconds(), r.precisionRecallSeconds());
            return 0;
        }
    }

    /** {@code tbcm bench jvp}. */
    @Command(name = "jvp", mixinStandardHelpOptions = true,
            description = "Time a DiT on 7×7×4 latents: plain forward, exact JVP in (x, τ), training forward+backward, "
                    + "and a student's whole sCM step; beside them, one GEMM of the MLP's shape.")
    public static final class Jvp implements Callable<Integer> {
        @Option(names = "--batch", defaultValue = "128", description = "Batch size (default: ${DEFAULT-VALUE}).")
        int batch;
        @Option(names = "--hidden", defaultValue = "128", description = "Token width (default: ${DEFAULT-VALUE}).")
        int hidden;
        @Option(names = "--depth", defaultValue = "8", description = "Transformer blocks (default: ${DEFAULT-VALUE}).")
        int depth;
        @Option(names = "--heads", defaultValue = "4", description = "Attention heads (default: ${DEFAULT-VALUE}).")
        int heads;
        @Option(names = "--mlp-ratio", defaultValue = "4", description = "Feed-forward width ratio (default: ${DEFAULT-VALUE}).")
        double mlpRatio;
        @Option(names = "--attention", defaultValue = "SOFTMAX",
                description = "SOFTMAX or RELU_LINEAR (default: ${DEFAULT-VALUE}).")
        AttentionKind attention;
        @Option(names = "--qk-norm", negatable = true, defaultValue = "true", fallbackValue = "true",
                description = "RMS-normalise queries and keys (default: ${DEFAULT-VALUE}).")
        boolean qkNorm;
        @Option(names = "--warmup", defaultValue = "3", description = "Untimed iterations first (default: ${DEFAULT-VALUE}).")
        int warmup;
        @Option(names = "--iterations", defaultValue = "15", description = "Timed iterations (default: ${DEFAULT-VALUE}).")
        int iterations;
        @Option(names = "--seed", defaultValue = "0", description = "Random seed (default: ${DEFAULT-VALUE}).")
        long seed;
        @Option(names = "--json", description = "Also print the result as one JSON object on the last line.")
        boolean json;

        @Override
        public Integer call() {
            if (batch < 1 || warmup < 0 || iterations < 1) {
                throw new IllegalArgumentException("--batch and --iterations must be at least 1, --warmup at least 0");
            }
            DiTConfig config = new DiTConfig(4, 7, 1, hidden, depth, heads, mlpRatio, attention, qkNorm, 10, 256, 1.0);
            JvpBenchmark.Result r = JvpBenchmark.run(config, batch, warmup, iterations, seed);
            System.out.printf(Locale.ROOT, "DiT %.2f M parameters (hidden %d, depth %d, heads %d, %s attention), "
                            + "7x7x4 latents, batch %d, %d timed iterations after %d warm-up%n",
                    r.parameters() / 1e6, hidden, depth, heads, attention, batch, iterations, warmup);
            System.out.printf(Locale.ROOT, "%-42s %10s %10s %10s %8s %9s %8s%n",
                    "pass", "median ms", "min ms", "samples/s", "GFLOP", "GFLOP/s", "of GEMM");
            for (JvpBenchmark.Timing t : r.timings()) {
                System.out.printf(Locale.ROOT, "%-42s %10.1f %10.1f %10.0f %8.2f %9.1f %7.0f%%%n", t.pass(), t.medianMs(),
                        t.minMs(), t.samplesPerSecond(), t.gflop(), t.gflopPerSecond(),
                        100 * t.gflopPerSecond() / r.gemm().gflopPerSecond());
            }
            JvpBenchmark.Timing g = r.gemm();
            System.out.printf(Locale.ROOT, "%-42s %10.2f %10.2f %10s %8.2f %9.1f   (the matmul speed libtorch reaches here)%n",
                    g.pass(), g.medianMs(), g.minMs(), "", g.gflop(), g.gflopPerSecond());
            System.out.printf(Locale.ROOT, "JVP / forward time ratio: %.2f (goal: at most 2)%n", r.jvpOverForward());
            System.out.printf(Locale.ROOT, "libtorch threads: %d; oneMKL kernels chosen %s%n",
                    ai.djl.pytorch.jni.JniUtils.getNumThreads(), org.tbcm4j.util.Backend.mklKernelChoice());
            System.out.printf(Locale.ROOT, "peak resident memory: %.0f MiB%n", r.peakResidentBytes() / 1048576.0);
            if (json) {
                System.out.println(Json.write(r));
            }
            return 0;
        }
    }
}
