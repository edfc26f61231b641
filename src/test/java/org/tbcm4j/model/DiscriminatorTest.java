package org.tbcm4j.model;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.tbcm4j.nn.AttentionKind;
import org.tbcm4j.nn.NativeArrays;
import org.tbcm4j.nn.NoGrad;
import org.tbcm4j.nn.Parameter;
import org.tbcm4j.testing.JvpCheck;
import org.tbcm4j.testing.WithManager;

/**
 * The discriminator's reverse-mode gradients, which LADD trains the heads with and passes to the student
 * through the frozen teacher, against float64 central differences along random directions.
 */
class DiscriminatorTest extends WithManager {
    private static final double EPS = 1e-6;

    @Test
    void headAndInputGradientsMatchCentralDifferencesAndTheTeacherGetsNone() {
        DiT teacher = new DiT(new DiTConfig(4, 4, 1, 16, 3, 2, 2.0, AttentionKind.SOFTMAX, true, 10, 16, 1.0));
        teacher.initialize(m, DataType.FLOAT64, 1);
        JvpCheck.randomize(teacher, 2, 0.3);
        teacher.setTrainable(false);
        Discriminator d = new Discriminator(teacher.config(), new int[] {0, 2});
        d.initialize(m, DataType.FLOAT64, 3);
        NDArray x = JvpCheck.randn(m, 4, 3, 4, 4, 4);
        NDArray t = m.create(new double[] {0.3, 1.0, 1.5});
        NDArray classes = NativeArrays.of(m, new long[] {1, 4, 10}, new Shape(3));
        NDArray weights = JvpCheck.randn(m, 5, 3, 2 * 16);
        Supplier<Double> f = () -> d.logits(teacher, x, t, classes, false).mul(weights).sum().getDouble();

        x.setRequiresGradient(true);
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            gc.backward(d.logits(teacher, x, t, classes, false).mul(weights).sum());
        }
        checkDirection("input x", x.getGradient().duplicate(), x, f, 6);
        for (Map.Entry<String, Parameter> e : d.parameters().entrySet()) {
            if (e.getValue().trainable()) {
                checkDirection(e.getKey(), e.getValue().array().getGradient().duplicate(), e.getValue().array(), f,
                        e.getKey().hashCode());
            }
        }
        for (Parameter p : teacher.parameters().values()) {
            assertFalse(p.array().hasGradient(), "the teacher's weights take no gradient");
        }
    }

    /** Σ grad·D against (f(a + εD) − f(a − εD))/2ε, moving {@code a} in place and back. */
    private void checkDirection(String name, NDArray grad, NDArray a, Supplier<Double> f, long seed) {
        NDArray direction = JvpCheck.randn(m, seed, a.getShape().getShape());
        double analytic = grad.mul(direction).sum().getDouble();
        NDArray step = direction.mul(EPS);
        NDArray original = a.duplicate();
        assign(a, original.add(step));
        double plus = f.get();
        assign(a, original.sub(step));
        double minus = f.get();
        assign(a, original);
        double numeric = (plus - minus) / (2 * EPS);
        // relative, with an absolute floor for the exact zeros (a bias before batch norm has no effect)
        assertTrue(Math.abs(analytic - numeric) <= 1e-6 * Math.abs(numeric) + 1e-7,
                name + ": autograd " + analytic + " against central difference " + numeric);
    }

    /** In place, without grad (libtorch refuses in-place writes to a leaf that requires grad otherwise). */
    private static void assign(NDArray target, NDArray value) {
        NoGrad.call(() -> {
            target.set(new NDIndex("..."), value);
            return null;
        });
    }
}
