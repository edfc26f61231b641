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
import org.tbcm4j.distill.ConsistencyLoss;
import org.tbcm4j.distill.PairBatch;
import org.tbcm4j.model.DiT;
import org.tbcm4j.model.DiTConfig;
import org.tbcm4j.model.Student;
import org.tbcm4j.model.StudentConfig;
import org.tbcm4j.nn.AdamW;
import org.tbcm4j.nn.Dual;
import org.tbcm4j.nn.FlopCounter;
import org.tbcm4j.nn.LinearOps;
import org.tbcm4j.nn.NoGrad;
import org.tbcm4j.nn.OptimizerConfig;
import org.tbcm4j.nn.StepScope;
import org.tbcm4j.nn.Tensors;
import org.tbcm4j.trigflow.TrigFlow;
import org.tbcm4j.util.Backend;
import org.tbcm4j.util.ProcessMemory;
import org.tbcm4j.util.Rng;

/**
 * Times a DiT's plain forward, its JVP in (x, τ), a training forward+backward, and a whole sCM training
 * step of a student around that DiT (the consistency loss with its JVP, backward, AdamW), interleaved so
 * that machine drift hits all four alike. FLOPs are counted exactly for the dense ops (matmul, linear,
 * conv) in the passes; a backward is taken as twice its forward. Beside them, one GEMM of the MLP's
 * shape ([batch·tokens, hidden]·[hidden, 4·hidden]) gives the speed the machine's matmul reaches here,
 * against which each pass's GFLOP/s is read.
 */
public final class JvpBenchmark {
    /** Timing of one kind of pass. */
    public record Timing(String pass, double medianMs, double minMs, double gflop, double gflopPerSecond,
            double samplesPerSecond) {}

    /** Everything one run measured. */
    public record Result(DiTConfig config, long parameters, int batch, int iterations, List<Timing> timings,
            double jvpOverForward, Timing gemm, long peakResidentBytes) {}

    static final String[] PASSES = {"forward", "jvp (forward + tangent)", "forward + backward",
        "jvp, value recorded for backward", "sCM step (loss with JVP, backward, AdamW)"};

    private JvpBenchmark() {}

    public static Result run(DiTConfig config, int batch, int warmup, int iterations, long seed) {
        try (NDManager root = Backend.newManager()) {
            Student student = new Student(new StudentConfig(config, 0.1));
            student.initialize(root, DataType.FLOAT32, seed);
            DiT dit = student.backbone();
            AdamW optimizer = new AdamW(student, OptimizerConfig.defaults(1e-4), root);
            Shape latent = new Shape(batch, config.channels(), config.imageSize(), config.imageSize());
            NDArray[] gemm = gemmOperands(root, batch, config, seed);
            int passes = PASSES.length;
            double[][] ms = new double[passes + 1][iterations];
            double[] flops = new double[passes + 1];
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
                    PairBatch pairs = pairs(m, rng, latent, classes);
                    double[] t = new double[passes + 1];
                    t[0] = timed(flops, 0, () -> NoGrad.call(() -> dit.forward(Dual.of(x), Dual.of(tau), classes)));
                    t[1] = timed(flops, 1, () -> NoGrad.call(
                            () -> dit.forward(Dual.of(x, dx), Dual.of(tau, dtau), classes)));
                    t[2] = timed(flops, 2, () -> {
                        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                            gc.backward(dit.forward(Dual.of(x), Dual.of(tau), classes).value().square().mean());
                        }
                        return null;
                    });
                    t[3] = timed(flops, 3, () -> {
                        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                            return dit.forward(Dual.of(x, dx), Dual.of(tau, dtau), classes).value();
                        }
                    });
                    t[4] = timed(flops, 4, () -> {
                        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                            gc.backward(ConsistencyLoss.compute(student, pairs, 1.0, 0.1).loss());
                        }
                        return optimizer.step();
                    });
                    t[passes] = timed(flops, passes, () -> gemm(gemm));
                    if (i >= 0) {
                        for (int k = 0; k <= passes; k++) {
                            ms[k][i] = t[k];
                        }
                    }
                }
            }
            flops[2] = 3 * flops[0];
            flops[4] += 2 * flops[0];
            List<Timing> timings = new ArrayList<>();
            for (int k = 0; k < passes; k++) {
                timings.add(timing(PASSES[k], ms[k], flops[k], batch));
            }
            return new Result(config, dit.parameterCount(), batch, iterations, timings,
                    timings.get(1).medianMs() / timings.get(0).medianMs(),
                    timing(gemmName(batch, config), ms[passes], flops[passes], batch), ProcessMemory.peakResidentBytes());
        }
    }

    /** sCM pairs of the bench's shape: x_t and v in data scale, t inside (0, π/2), one guidance scale. */
    private static PairBatch pairs(NDManager m, Rng rng, Shape latent, NDArray classes) {
        int n = Math.toIntExact(latent.get(0));
        double s = TrigFlow.SIGMA_D;
        NDArray xt = Tensors.normal(m, rng, latent, DataType.FLOAT32, s);
        NDArray v = Tensors.normal(m, rng, latent, DataType.FLOAT32, s);
        NDArray t = Tensors.uniform(m, rng, new Shape(n), DataType.FLOAT32, 0.05, 1.5);
        double[] w = new double[n];
        double[] ones = new double[n];
        Arrays.fill(w, 3.0);
        Arrays.fill(ones, 1.0);
        return new PairBatch(xt, t, v, classes, Tensors.float32(m, w), Tensors.float32(m, ones), 0, 0, null);
    }

    private static String gemmName(int batch, DiTConfig c) {
        return String.format(java.util.Locale.ROOT, "GEMM [%d x %d]·[%d x %d]", batch * tokens(c), c.hidden(), c.hidden(),
                Math.round(c.hidden() * c.mlpRatio()));
    }

    private static long tokens(DiTConfig c) {
        long side = c.imageSize() / c.patchSize();
        return side * side;
    }

    /** The MLP's first matmul over the whole batch's tokens, float32: {activations, weight}. */
    private static NDArray[] gemmOperands(NDManager m, int batch, DiTConfig c, long seed) {
        Rng rng = Rng.of(seed, "bench-gemm", 0);
        return new NDArray[] {
            Tensors.normal(m, rng, new Shape(batch * tokens(c), c.hidden()), DataType.FLOAT32, 1.0),
            Tensors.normal(m, rng, new Shape(c.hidden(), Math.round(c.hidden() * c.mlpRatio())), DataType.FLOAT32, 1.0)};
    }

    private static Object gemm(NDArray[] operands) {
        return NoGrad.call(() -> LinearOps.matmul(Dual.of(operands[0]), Dual.of(operands[1])));
    }

    private static Timing timing(String name, double[] ms, double flops, int batch) {
        double[] sorted = ms.clone();
        Arrays.sort(sorted);
        double median = sorted[sorted.length / 2];
        return new Timing(name, median, sorted[0], flops / 1e9, flops / 1e9 / (median / 1e3), batch / (median / 1e3));
    }

    /** Runs {@code body} once, returns milliseconds, and records the FLOPs it counted. */
    private static double timed(double[] flops, int slot, java.util.function.Supplier<Object> body) {
        FlopCounter.reset();
        long start = System.nanoTime();
        Object out = body.get();
        double elapsed = (System.nanoTime() - start) / 1e6;
        flops[slot] = FlopCounter.get();
        // Dropped before the next pass, as a training step drops its outputs: a recorded value would
        // otherwise keep its whole graph alive through the passes after it.
        if (out instanceof Dual d) {
            d.value().close();
            if (d.tangent() != null) {
                d.tangent().close();
            }
        } else if (out instanceof NDArray a) {
            a.close();
        }
        return elapsed;
    }
}
