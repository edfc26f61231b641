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
    void onePassRecordsTheValueForBackwardAndGivesAJvpWithoutGraph() {
        DiT dit = new DiT(tiny(AttentionKind.SOFTMAX));
        dit.initialize(m, DataType.FLOAT64, 3);
        JvpCheck.randomize(dit, 3, 0.3);
        NDArray classes = m.create(new long[] {1, 2});
        NDArray x = randn(m, 1, 2, 4, 4, 4);
        NDArray dx = randn(m, 2, 2, 4, 4, 4);
        NDArray tau = m.create(new double[] {0.3, 0.6});
        NDArray dtau = m.create(new double[] {0.7, -0.2});
        Dual separate = NoGrad.call(() -> dit.forward(Dual.of(x, dx), Dual.of(tau, dtau), classes));
        NDArray j = m.create(separate.tangent().toDoubleArray(), separate.tangent().getShape());
        // Gradient of Σ F·J with F and J from one pass inside the collector (as the sCM loss takes them) ...
        double[] onePass;
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            Dual both = dit.forward(Dual.of(x, dx), Dual.of(tau, dtau), classes);
            assertEquals(0.0, both.tangent().sub(j).abs().max().getDouble(), 1e-12, "the one-pass J");
            assertEquals(0.0, both.value().sub(separate.value()).abs().max().getDouble(), 1e-12, "the one-pass F");
            gc.backward(both.value().mul(both.tangent()).sum());
        }
        onePass = readAndZeroGradients(dit);
        // ... equals that of a plain forward times a constant copy of J: F's graph is the forward's, J has none.
        double[] constant = gradient(dit, x, tau, classes, j);
        assertArrayEquals(constant, onePass, 1e-12);
        // A J that did carry a graph (a central difference taken with grad mode on) would change it, so the
        // comparison can tell the two apart.
        double eps = 1e-5;
        double[] tracked;
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray jTracked = dit.forward(Dual.of(x.add(dx.mul(eps))), Dual.of(tau.add(dtau.mul(eps))), classes).value()
                    .sub(dit.forward(Dual.of(x.sub(dx.mul(eps))), Dual.of(tau.sub(dtau.mul(eps))), classes).value())
                    .div(2 * eps);
            gc.backward(dit.forward(Dual.of(x), Dual.of(tau), classes).value().mul(jTracked).sum());
        }
        tracked = readAndZeroGradients(dit);
        double gap = 0;
        for (int i = 0; i < tracked.length; i++) {
            gap = Math.max(gap, Math.abs(tracked[i] - constant[i]));
        }
        assertTrue(gap > 1e-3, "a J with a graph should have changed the gradient, gap " + gap);
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
