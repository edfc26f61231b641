package org.tbcm4j.nn;

import ai.djl.ndarray.NDArray;

/**
 * Pointwise nonlinearities over (value, tangent): dy = f'(x)·dx. A JVP taken with grad mode off uses
 * libtorch's fused backward kernel (exact, see {@link SymmetricJvp}); otherwise the formulas below.
 */
public final class Activations {
    private static final double INV_SQRT2 = 1.0 / Math.sqrt(2.0);
    private static final double INV_SQRT_2PI = 1.0 / Math.sqrt(2.0 * Math.PI);

    private Activations() {}

    /** SiLU x·σ(x); its derivative is σ(x)·(1 + x·(1 − σ(x))). */
    public static Dual silu(Dual x) {
        if (x.hasTangent() && SymmetricJvp.usable()) {
            return SymmetricJvp.apply(a -> a.mul(a.getNDArrayInternal().sigmoid()), x.value(), x.tangent());
        }
        NDArray s = x.value().getNDArrayInternal().sigmoid();
        NDArray v = x.value().mul(s);
        if (!x.hasTangent()) {
            return Dual.of(v);
        }
        NDArray derivative = s.mul(Scalars.add(x.value().sub(v), 1));
        return Dual.of(v, x.tangent().mul(derivative));
    }

    /** Exact (erf) GELU x·Φ(x); its derivative is Φ(x) + x·φ(x). */
    public static Dual gelu(Dual x) {
        if (x.hasTangent() && SymmetricJvp.usable()) {
            return SymmetricJvp.apply(a -> a.getNDArrayInternal().gelu(), x.value(), x.tangent());
        }
        NDArray v = x.value().getNDArrayInternal().gelu();
        if (!x.hasTangent()) {
            return Dual.of(v);
        }
        NDArray cdf = Scalars.mul(Scalars.add(Scalars.mul(x.value(), INV_SQRT2).erf(), 1), 0.5);
        NDArray pdf = Scalars.mul(Scalars.mul(x.value().square(), -0.5).exp(), INV_SQRT_2PI);
        NDArray derivative = cdf.add(x.value().mul(pdf));
        return Dual.of(v, x.tangent().mul(derivative));
    }

    /** ReLU; the derivative is the indicator of x > 0 (0 at the kink, as PyTorch takes it). */
    public static Dual relu(Dual x) {
        NDArray v = x.value().getNDArrayInternal().relu();
        if (!x.hasTangent()) {
            return Dual.of(v);
        }
        NDArray positive = x.value().gt(0).toType(x.value().getDataType(), false);
        return Dual.of(v, x.tangent().mul(positive));
    }

    public static Dual sigmoid(Dual x) {
        if (x.hasTangent() && SymmetricJvp.usable()) {
            return SymmetricJvp.apply(a -> a.getNDArrayInternal().sigmoid(), x.value(), x.tangent());
        }
        NDArray v = x.value().getNDArrayInternal().sigmoid();
        if (!x.hasTangent()) {
            return Dual.of(v);
        }
        return Dual.of(v, x.tangent().mul(v.mul(Scalars.add(v.neg(), 1))));
    }

    public static Dual tanh(Dual x) {
        if (x.hasTangent() && SymmetricJvp.usable()) {
            return SymmetricJvp.apply(NDArray::tanh, x.value(), x.tangent());
        }
        NDArray v = x.value().tanh();
        if (!x.hasTangent()) {
            return Dual.of(v);
        }
        return Dual.of(v, x.tangent().mul(Scalars.add(v.square().neg(), 1)));
    }
}
