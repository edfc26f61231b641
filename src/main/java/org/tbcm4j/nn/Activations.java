package org.tbcm4j.nn;

import ai.djl.ndarray.NDArray;
import java.util.function.UnaryOperator;

/**
 * Pointwise nonlinearities over (value, tangent): dy = f'(x)·dx. Smooth ones take their tangent from
 * libtorch's fused backward kernel (exact, see {@link SymmetricJvp}).
 */
public final class Activations {
    private Activations() {}

    /** SiLU x·σ(x). */
    public static Dual silu(Dual x) {
        return pointwise(x, a -> a.mul(a.getNDArrayInternal().sigmoid()));
    }

    /** Exact (erf) GELU x·Φ(x). */
    public static Dual gelu(Dual x) {
        return pointwise(x, a -> a.getNDArrayInternal().gelu());
    }

    /** ReLU; the derivative is the indicator of x > 0 (0 at the kink, as PyTorch takes it). */
    public static Dual relu(Dual x) {
        NDArray v = x.value().getNDArrayInternal().relu();
        if (!x.hasTangent()) {
            return Dual.of(v);
        }
        return Dual.of(v, Tangents.rule(() -> x.tangent().mul(x.value().gt(0).toType(x.value().getDataType(), false))));
    }

    public static Dual sigmoid(Dual x) {
        return pointwise(x, a -> a.getNDArrayInternal().sigmoid());
    }

    public static Dual tanh(Dual x) {
        return pointwise(x, NDArray::tanh);
    }

    private static Dual pointwise(Dual x, UnaryOperator<NDArray> f) {
        return x.hasTangent() ? SymmetricJvp.apply(f, x.value(), x.tangent()) : Dual.of(f.apply(x.value()));
    }
}
