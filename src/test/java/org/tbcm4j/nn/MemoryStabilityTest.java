package org.tbcm4j.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.tbcm4j.model.DiT;
import org.tbcm4j.model.DiTConfig;
import org.tbcm4j.util.Backend;
import org.tbcm4j.util.Rng;

/** 500 steps of JVP plus training: live native arrays stay constant and resident memory flat. */
class MemoryStabilityTest {

    @Test
    void jvpAndTrainingStepsDoNotLeak() throws IOException {
        try (NDManager root = Backend.newManager()) {
            DiT dit = new DiT(new DiTConfig(4, 4, 1, 32, 2, 2, 2.0, AttentionKind.SOFTMAX, true, 10, 32, 1.0));
            dit.initialize(root, DataType.FLOAT32, 1);
            AdamW opt = new AdamW(dit, OptimizerConfig.defaults(1e-3), root);
            int arraysAt50 = -1;
            java.util.List<Long> readings = new java.util.ArrayList<>();
            for (int step = 1; step <= 500; step++) {
                try (StepScope s = StepScope.open(root)) {
                    Rng rng = Rng.of(3, "leak", step);
                    NDManager sm = s.manager();
                    NDArray x = rng.normal(sm, new Shape(8, 4, 4, 4), DataType.FLOAT32, 1.0);
                    NDArray dx = rng.normal(sm, new Shape(8, 4, 4, 4), DataType.FLOAT32, 1.0);
                    NDArray tau = rng.uniform(sm, new Shape(8), DataType.FLOAT32, 0, 1);
                    NDArray classes = sm.create(new long[] {0, 1, 2, 3, 4, 5, 6, 10});
                    Dual jvp = NoGrad.call(() -> dit.forward(Dual.of(x, dx), Dual.of(tau, tau.onesLike()), classes));
                    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        NDArray out = dit.forward(Dual.of(x), Dual.of(tau), classes).value();
                        gc.backward(out.sub(jvp.value()).sub(jvp.tangent().mul(0.01)).square().mean());
                    }
                    opt.step();
                }
                if (step == 50) {
                    arraysAt50 = liveArrays(root);
                }
                if (step % 100 == 0) {
                    // Collected every 100 steps so that the Java heap cannot grow unchecked and hide the trend.
                    readings.add(residentAfterGc() >> 20);
                }
            }
            assertEquals(arraysAt50, liveArrays(root), "live native arrays after 500 steps");
            long growth = readings.get(4) - readings.get(1);
            assertTrue(growth < 32, "resident MiB at steps 100..500: " + readings + "; grew " + growth + " MiB");
        }
    }

    /** Arrays alive in every manager of the engine (the root's parent is the engine's system manager). */
    private static int liveArrays(NDManager root) {
        return root.getParentManager().getManagedArrays().size();
    }

    /** Resident bytes once Java garbage is collected, so that what remains is native memory and live heap. */
    private static long residentAfterGc() throws IOException {
        System.gc();
        return residentBytes();
    }

    private static long residentBytes() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        throw new IllegalStateException("no VmRSS in /proc/self/status");
    }
}
