package org.tbcm4j.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tbcm4j.testing.JvpCheck.assertExact;
import static org.tbcm4j.testing.JvpCheck.randn;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.tbcm4j.nn.Activations;
import org.tbcm4j.nn.AttentionKind;
import org.tbcm4j.nn.Dual;
import org.tbcm4j.nn.NoGrad;
import org.tbcm4j.nn.Parameter;
import org.tbcm4j.testing.JvpCheck;
import org.tbcm4j.util.Backend;

/** A whole DiT block and a whole DiT, JVP in (x, τ) against a float64 central difference. */
class DiTJvpTest {
    private NDManager m;

    static DiTConfig tiny(AttentionKind kind) {
        return new DiTConfig(4, 4, 1, 16, 2, 2, 2.0, kind, true, 10, 16, 1.0);
    }

    @BeforeEach
    void open() {
        m = Backend.newManager();
    }

    @AfterEach
    void close() {
        m.close();
    }

    private static List<NDArray> l(NDArray... a) {
        return Arrays.asList(a);
    }

    @Test
    void ditBlock() {
        DiTBlock block = new DiTBlock(tiny(AttentionKind.SOFTMAX));
        block.initialize(m, DataType.FLOAT64, 1);
        JvpCheck.randomize(block, 1, 0.3);
        assertExact("DiT block", in -> block.forward(in.get(0), Activations.silu(in.get(1))),
                l(randn(m, 1, 3, 16, 16), randn(m, 2, 3, 16)), l(randn(m, 3, 3, 16, 16), randn(m, 4, 3, 16)));
    }

    @Test
    void wholeDiTInLatentAndTime() {
        for (AttentionKind kind : AttentionKind.values()) {
            DiT dit = new DiT(tiny(kind));
            dit.initialize(m, DataType.FLOAT64, 2);
            JvpCheck.randomize(dit, 2, 0.3);
            NDArray classes = m.create(new long[] {0, 7, 10});
            NDArray x = randn(m, 5, 3, 4, 4, 4);
            NDArray tau = m.create(new double[] {0.1, 0.5, 0.9});
            assertExact(kind + " DiT along (x, τ)", in -> dit.forward(in.get(0), in.get(1), classes),
                    l(x, tau), l(randn(m, 6, 3, 4, 4, 4), m.create(new double[] {0.7, -0.2, 1.0})));
            assertExact(kind + " DiT along τ only", in -> dit.forward(in.get(0), in.get(1), classes),
                    l(x, tau), l(null, m.create(new double[] {1.0, 1.0, 1.0})));
        }
    }

    @Test
    void jvpUnderNoGradPassesNoGradientEvenInsideACollector() {
        DiT dit = new DiT(tiny(AttentionKind.SOFTMAX));
        dit.initialize(m, DataType.FLOAT64, 3);
        JvpCheck.randomize(dit, 3, 0.3);
        NDArray classes = m.create(new long[] {1, 2});
        NDArray x = randn(m, 1, 2, 4, 4, 4);
        NDArray dx = randn(m, 2, 2, 4, 4, 4);
        NDArray tau = m.create(new double[] {0.3, 0.6});
        // Gradient of Σ F·J with J from a JVP taken inside the collector, under NoGrad ...
        double[] withNoGrad = gradientOfProductWithJvp(dit, x, dx, tau, classes, true);
        // ... equals the gradient with J replaced by a constant copy of its values,
        NDArray j = dit.forward(Dual.of(x, dx), Dual.of(tau), classes).tangent();
        double[] constant = gradient(dit, x, tau, classes, m.create(j.toDoubleArray(), j.getShape()));
        assertArrayEquals(constant, withNoGrad, 1e-12);
        // ... while without NoGrad the JVP would pass gradient (so this test can tell the two apart).
        double[] tracked = gradientOfProductWithJvp(dit, x, dx, tau, classes, false);
        double gap = 0;
        for (int i = 0; i < tracked.length; i++) {
            gap = Math.max(gap, Math.abs(tracked[i] - constant[i]));
        }
        assertTrue(gap > 1e-6, "a JVP taken with grad mode on should have changed the gradient");
    }

    @Test
    void tangentModeValueEqualsPlainForward() {
        DiT dit = new DiT(tiny(AttentionKind.SOFTMAX));
        dit.initialize(m, DataType.FLOAT64, 4);
        JvpCheck.randomize(dit, 4, 0.3);
        NDArray classes = m.create(new long[] {1, 10});
        NDArray x = randn(m, 1, 2, 4, 4, 4);
        NDArray tau = m.create(new double[] {0.3, 0.6});
        NDArray plain = dit.forward(Dual.of(x), Dual.of(tau), classes).value();
        NDArray withTangent = dit.forward(Dual.of(x, x), Dual.of(tau, tau), classes).value();
        assertEquals(0.0, plain.sub(withTangent).abs().max().getDouble(), 1e-12);
    }

    private static double[] gradientOfProductWithJvp(
            DiT dit, NDArray x, NDArray dx, NDArray tau, NDArray classes, boolean noGrad) {
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray j = noGrad
                    ? NoGrad.call(() -> dit.forward(Dual.of(x, dx), Dual.of(tau), classes).tangent())
                    : dit.forward(Dual.of(x, dx), Dual.of(tau), classes).tangent();
            gc.backward(dit.forward(Dual.of(x), Dual.of(tau), classes).value().mul(j).sum());
        }
        return readAndZeroGradients(dit);
    }

    private static double[] gradient(DiT dit, NDArray x, NDArray tau, NDArray classes, NDArray constant) {
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            gc.backward(dit.forward(Dual.of(x), Dual.of(tau), classes).value().mul(constant).sum());
        }
        return readAndZeroGradients(dit);
    }

    private static double[] readAndZeroGradients(DiT dit) {
        java.util.List<Double> all = new java.util.ArrayList<>();
        for (Parameter p : dit.parameters().values()) {
            if (!p.trainable()) {
                continue;
            }
            NDArray g = p.array().getGradient();
            for (double v : g.toDoubleArray()) {
                all.add(v);
            }
            g.subi(g);
            g.close();
        }
        return all.stream().mapToDouble(Double::doubleValue).toArray();
    }
}
