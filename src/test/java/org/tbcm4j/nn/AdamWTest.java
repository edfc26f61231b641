package org.tbcm4j.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.tbcm4j.testing.JvpCheck;
import org.tbcm4j.util.Backend;

class AdamWTest {
    private NDManager m;
    private Linear layer;
    private NDArray x;
    private NDArray y;

    @BeforeEach
    void open() {
        m = Backend.newManager();
        layer = new Linear(3, 2, true);
        layer.initialize(m, DataType.FLOAT64, 5);
        x = JvpCheck.randn(m, 1, 4, 3);
        y = JvpCheck.randn(m, 2, 4, 2);
    }

    @AfterEach
    void close() {
        m.close();
    }

    /** Runs backward of a squared error (times {@code factor}) and returns the gradients it left. */
    private Map<String, double[]> backward(double factor) {
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            gc.backward(layer.forward(Dual.of(x)).value().sub(y).square().sum().mul(factor));
        }
        Map<String, double[]> grads = new LinkedHashMap<>();
        layer.parameters().forEach((k, p) -> {
            NDArray g = p.array().getGradient();
            grads.put(k, g.toDoubleArray());
            g.close();
        });
        return grads;
    }

    private Map<String, double[]> values() {
        Map<String, double[]> v = new LinkedHashMap<>();
        layer.parameters().forEach((k, p) -> v.put(k, p.array().toDoubleArray()));
        return v;
    }

    @Test
    void updatesFollowAdamWWithDecoupledDecayAndWarmup() {
        OptimizerConfig cfg = new OptimizerConfig(0.1, 0.9, 0.99, 1e-8, 0.05, 2, 0.0, 0);
        AdamW opt = new AdamW(layer, cfg, m);
        Map<String, double[]> mom1 = new LinkedHashMap<>();
        Map<String, double[]> mom2 = new LinkedHashMap<>();
        for (int step = 1; step <= 3; step++) {
            Map<String, double[]> before = values();
            Map<String, double[]> grads = backward(1.0);
            double lr = 0.1 * Math.min(1.0, step / 2.0);
            AdamW.StepResult r = opt.step();
            assertEquals(lr, r.learningRate(), 1e-15);
            for (String k : before.keySet()) {
                double[] w = before.get(k);
                double[] g = grads.get(k);
                double[] m1 = mom1.computeIfAbsent(k, key -> new double[w.length]);
                double[] m2 = mom2.computeIfAbsent(k, key -> new double[w.length]);
                double[] expected = new double[w.length];
                boolean decays = k.endsWith("weight");
                for (int i = 0; i < w.length; i++) {
                    m1[i] = 0.9 * m1[i] + 0.1 * g[i];
                    m2[i] = 0.99 * m2[i] + 0.01 * g[i] * g[i];
                    double mHat = m1[i] / (1 - Math.pow(0.9, step));
                    double vHat = m2[i] / (1 - Math.pow(0.99, step));
                    double decayed = decays ? w[i] * (1 - lr * 0.05) : w[i];
                    expected[i] = decayed - lr * mHat / (Math.sqrt(vHat) + 1e-8);
                }
                assertArrayEquals(expected, values().get(k), 1e-12, k + " after step " + step);
            }
        }
        assertEquals(3, opt.updates());
    }

    @Test
    void cosineScheduleAfterWarmup() {
        OptimizerConfig cfg = new OptimizerConfig(1.0, 0.9, 0.999, 1e-8, 0, 10, 0, 110);
        assertEquals(0.5, cfg.learningRate(5), 1e-15);
        assertEquals(1.0, cfg.learningRate(10), 1e-15);
        assertEquals(0.5, cfg.learningRate(60), 1e-12);
        assertEquals(0.0, cfg.learningRate(110), 1e-15);
        assertEquals(0.0, cfg.learningRate(500), 1e-15);
    }

    @Test
    void clipsByGlobalNormAndReportsTheRawNorm() {
        AdamW clipped = new AdamW(layer, new OptimizerConfig(0.1, 0.0, 0.0, 1e-8, 0, 0, 1e-3, 0), m);
        Map<String, double[]> grads = backward(1.0);
        double norm = 0;
        for (double[] g : grads.values()) {
            for (double v : g) {
                norm += v * v;
            }
        }
        norm = Math.sqrt(norm);
        assertTrue(norm > 1e-3, "the test needs a gradient above the clip threshold");
        Map<String, double[]> before = values();
        AdamW.StepResult r = clipped.step();
        assertEquals(norm, r.gradNorm(), 1e-9);
        // With beta1 = beta2 = 0 the update is lr·g/(|g| + eps): the clip factor cancels unless eps matters,
        // so check the stored moment instead, which holds the clipped gradient itself.
        double scale = 1e-3 / (norm + 1e-6);
        String first = grads.keySet().iterator().next();
        double[] m1 = clipped.state().get("m." + first).toDoubleArray();
        for (int i = 0; i < m1.length; i++) {
            assertEquals(grads.get(first)[i] * scale, m1[i], 1e-12);
        }
        assertFalse(java.util.Arrays.equals(before.get(first), values().get(first)));
    }

    @Test
    void nonFiniteStepIsSkippedCountedAndLeavesNoTrace() {
        AdamW opt = new AdamW(layer, OptimizerConfig.defaults(0.01), m);
        Map<String, double[]> before = values();
        backward(Double.NaN);
        AdamW.StepResult skipped = opt.step();
        assertTrue(skipped.skipped());
        assertTrue(Double.isNaN(skipped.gradNorm()));
        assertEquals(1, opt.skippedSteps());
        assertEquals(0, opt.updates());
        before.forEach((k, v) -> assertArrayEquals(v, values().get(k), 0.0, k + " must not move"));
        // The NaN gradients were cleared: the next step sees only its own gradient.
        Map<String, double[]> grads = backward(1.0);
        opt.step();
        String w = "weight";
        double[] expected = before.get(w).clone();
        for (int i = 0; i < expected.length; i++) {
            expected[i] -= 0.01 * Math.signum(grads.get(w)[i]) * Math.abs(grads.get(w)[i])
                    / (Math.abs(grads.get(w)[i]) + 1e-8);
        }
        assertArrayEquals(expected, values().get(w), 1e-9);
        assertEquals(1, opt.updates());
    }
}
