package org.tbcm4j.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import java.util.ArrayList;
import java.util.List;
import org.tbcm4j.nn.Dual;
import org.tbcm4j.nn.Module;
import org.tbcm4j.nn.Tensors;
import org.tbcm4j.util.Rng;

/**
 * Checks a function's forward-mode tangent against a float64 central difference
 * (f(x + εv) − f(x − εv)) / 2ε, where every input moves along its own random direction.
 */
public final class JvpCheck {
    public static final double TOLERANCE = 1e-6;
    private static final double EPS = 1e-6;

    /** A function of several (value, tangent) inputs. */
    @FunctionalInterface
    public interface DualFunction {
        Dual apply(List<Dual> inputs);
    }

    private JvpCheck() {}

    /** max|jvp − fd| / max|jvp| for inputs (float64) and tangent directions; null direction = constant input. */
    public static double relativeError(DualFunction f, List<NDArray> values, List<NDArray> directions) {
        List<Dual> primal = new ArrayList<>();
        List<Dual> plus = new ArrayList<>();
        List<Dual> minus = new ArrayList<>();
        for (int i = 0; i < values.size(); i++) {
            NDArray v = values.get(i);
            NDArray d = directions.get(i);
            primal.add(Dual.of(v, d));
            plus.add(Dual.of(d == null ? v : v.add(d.mul(EPS))));
            minus.add(Dual.of(d == null ? v : v.sub(d.mul(EPS))));
        }
        Dual out = f.apply(primal);
        if (!out.hasTangent()) {
            throw new AssertionError("the function produced no tangent");
        }
        NDArray fd = f.apply(plus).value().sub(f.apply(minus).value()).div(2 * EPS);
        double scale = out.tangent().abs().max().getDouble();
        if (!(scale > 0)) {
            throw new AssertionError("the tangent is identically zero, so the check would prove nothing");
        }
        return out.tangent().sub(fd).abs().max().getDouble() / scale;
    }

    /**
     * Asserts the relative error is within {@link #TOLERANCE}, twice: with grad mode off (a JVP target)
     * and on (the one-pass sCM loss, where the value path is recorded and values come from the caller's graph).
     */
    public static void assertExact(String name, DualFunction f, List<NDArray> values, List<NDArray> directions) {
        boolean was = JniUtils.isGradMode();
        try {
            for (boolean gradMode : new boolean[] {false, true}) {
                JniUtils.setGradMode(gradMode);
                double err = relativeError(f, values, directions);
                assertTrue(err <= TOLERANCE,
                        name + " (grad mode " + gradMode + "): JVP relative error " + err + " > " + TOLERANCE);
            }
        } finally {
            JniUtils.setGradMode(was);
        }
    }

    /** Random float64 N(0, 1) values. */
    public static NDArray randn(NDManager m, long seed, long... shape) {
        return Tensors.normal(m, Rng.of(seed, "test", 0), new Shape(shape), DataType.FLOAT64, 1.0);
    }

    /** Replaces every parameter by random values, so zero-initialised layers do not hide errors. */
    public static void randomize(Module module, long seed, double std) {
        for (var e : module.parameters().entrySet()) {
            NDArray old = e.getValue().array();
            NDArray fresh = Tensors.normal(old.getManager(), Rng.of(seed, e.getKey(), 0), old.getShape(), old.getDataType(), std);
            fresh.setRequiresGradient(e.getValue().trainable());
            e.getValue().set(fresh);
        }
    }
}
