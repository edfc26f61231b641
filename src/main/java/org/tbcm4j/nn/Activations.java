package org.tbcm4j.nn;

import ai.djl.ndarray.NDArray;

/** Pointwise nonlinearities over (value, tangent): dy = f'(x)·dx. */
public final class Activations {
    private static final double INV_SQRT2 = 1.0 / Math.sqrt(2.0);
    private static final double INV_SQRT_2PI = 1.0 / Math.sqrt(2.0 * Math.PI);

    private Activations() {}

    /** SiLU x·σ(x); its derivative is σ(x)·(1 + x·(1 − σ(x))). */
    public static Dual silu(Dual x) {
        NDArray s = x.value().getNDArrayInternal().sigmoid();
        NDArray v = x.value().mul(s);
        if (!x.hasTangent()) {
            return Dual.of(v);
        }
        NDArray derivative = s.mul(x.value().sub(v).add(1));
        return Dual.of(v, x.tangent().mul(derivative));
    }

    /** Exact (erf) GELU x·Φ(x); its derivative is Φ(x) + x·φ(x). */
    public static Dual gelu(Dual x) {
        NDArray v = x.value().getNDArrayInternal().gelu();
        if (!x.hasTangent()) {
            return Dual.of(v);
        }
        NDArray cdf = x.value().mul(INV_SQRT2).erf().add(1).mul(0.5);
        NDArray pdf = x.value().square().mul(-0.5).exp().mul(INV_SQRT_2PI);
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
        NDArray v = x.value().getNDArrayInternal().sigmoid();
        if (!x.hasTangent()) {
            return Dual.of(v);
        }
        return Dual.of(v, x.tangent().mul(v.mul(v.neg().add(1))));
    }

    public static Dual tanh(Dual x) {
        NDArray v = x.value().tanh();
        if (!x.hasTangent()) {
            return Dual.of(v);
        }
        return Dual.of(v, x.tangent().mul(v.square().neg().add(1)));
    }
}
