package org.tbcm4j.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.tbcm4j.model.DiT;
import org.tbcm4j.model.DiTConfig;
import org.tbcm4j.nn.Dual;
import org.tbcm4j.nn.FlopCounter;
import org.tbcm4j.nn.NoGrad;
import org.tbcm4j.nn.StepScope;
import org.tbcm4j.nn.Tensors;
import org.tbcm4j.util.Backend;
import org.tbcm4j.util.ProcessMemory;
import org.tbcm4j.util.Rng;

/**
 * Times a DiT's plain forward, its JVP in (x, τ) and a training forward+backward, interleaved so that
 * machine drift hits all three alike. FLOPs are counted exactly for the dense ops (matmul, linear,
 * conv) in forward and JVP; for forward+backward the usual 3× forward estimate is used.
 */
public final class JvpBenchmark {
    /** Timing of one kind of pass. */
    public record Timing(String pass, double medianMs, double minMs, double gflop, double gflopPerSecond,
            double samplesPerSecond) {}

    /** Everything one run measured. */
    public record Result(DiTConfig config, long parameters, int batch, int iterations, List<Timing> timings,
            double jvpOverForward, long peakResidentBytes) {}

    private JvpBenchmark() {}

    public static Result run(DiTConfig config, int batch, int warmup, int iterations, long seed) {
        try (NDManager root = Backend.newManager()) {
            DiT dit = new DiT(config);
            dit.initialize(root, DataType.FLOAT32, seed);
            Shape latent = new Shape(batch, config.channels(), config.imageSize(), config.imageSize());
            double[][] ms = new double[3][iterations];
            double[] flops = new double[3];
            for (int i = -warmup; i < iterations; i++) {
                try (StepScope s = StepScope.open(root)) {
                    Rng rng = Rng.of(seed, "bench", i + warmup);
                    NDManager m = s.manager();
                    NDArray x = Tensors.normal(m, rng, latent, DataType.FLOAT32, 1.0);
                    NDArray dx = Tensors.normal(m, rng, latent, DataType.FLOAT32, 1.0);
                    NDArray tau = Tensors.uniform(m, rng, new Shape(batch), DataType.FLOAT32, 0.0, 1.0);
                    NDArray dtau = Tensors.normal(m, rng, new Shape(batch), DataType.FLOAT32, 1.0);
                    long[] ids = new long[batch];
                    for (int b = 0; b < batch; b++) {
                        ids[b] = rng.nextInt(config.numClasses() + 1);
                    }
                    NDArray classes = Tensors.classIds(m, ids);
                    double[] t = new double[3];
                    t[0] = timed(flops, 0, () -> NoGrad.call(() -> dit.forward(Dual.of(x), Dual.of(tau), classes)));
                    t[1] = timed(flops, 1, () -> NoGrad.call(
                            () -> dit.forward(Dual.of(x, dx), Dual.of(tau, dtau), classes)));
                    t[2] = timed(flops, 2, () -> {
                        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                            gc.backward(dit.forward(Dual.of(x), Dual.of(tau), classes).value().square().mean());
                        }
                        return null;
                    });
                    if (i >= 0) {
                        for (int k = 0; k < 3; k++) {
                            ms[k][i] = t[k];
                        }
                    }
                }
            }
            flops[2] = 3 * flops[0];
            String[] names = {"forward", "jvp (forward + tangent)", "forward + backward"};
            List<Timing> timings = new ArrayList<>();
            for (int k = 0; k < 3; k++) {
                double[] sorted = ms[k].clone();
                Arrays.sort(sorted);
                double median = sorted[sorted.length / 2];
                timings.add(new Timing(names[k], median, sorted[0], flops[k] / 1e9, flops[k] / 1e9 / (median / 1e3),
                        batch / (median / 1e3)));
            }
            return new Result(config, dit.parameterCount(), batch, iterations, timings,
                    timings.get(1).medianMs() / timings.get(0).medianMs(), ProcessMemory.peakResidentBytes());
        }
    }

    /** Runs {@code body} once, returns milliseconds, and records the FLOPs it counted. */
    private static double timed(double[] flops, int slot, java.util.function.Supplier<Object> body) {
        FlopCounter.reset();
        long start = System.nanoTime();
        body.get();
        double elapsed = (System.nanoTime() - start) / 1e6;
        flops[slot] = FlopCounter.get();
        return elapsed;
    }
}
