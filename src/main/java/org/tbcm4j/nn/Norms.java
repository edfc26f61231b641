package org.tbcm4j.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import java.util.function.UnaryOperator;

/**
 * Layer, RMS and group normalisation over (value, tangent). All three normalise a vector u to
 * y = u·r with r = (mean(u²) + eps)^(−1/2) (u centred for layer and group norm), whose tangent
 * dy = r·(du − y·mean(y·du)) (du centred likewise) is a VJP, the Jacobian being symmetric.
 */
public final class Norms {
    private Norms() {}

    /** LayerNorm over the last axis; gamma and beta may be null (no affine transform). */
    public static Dual layerNorm(Dual x, NDArray gamma, NDArray beta, double eps) {
        if (!x.hasTangent()) {
            return Dual.of(nativeLayerNorm(x.value(), gamma, beta, eps));
        }
        return affine(normalize(x, true, eps), gamma, beta);
    }

    /** RMSNorm over the last axis: x·(mean(x²) + eps)^(−1/2)·gamma; gamma may be null. */
    public static Dual rmsNorm(Dual x, NDArray gamma, double eps) {
        return affine(normalize(x, false, eps), gamma, null);
    }

    /** GroupNorm of NCHW input over groups of channels, with per-channel gamma and beta. */
    public static Dual groupNorm(Dual x, int groups, NDArray gamma, NDArray beta, double eps) {
        Shape s = x.shape();
        long n = s.get(0);
        long c = s.get(1);
        if (c % groups != 0) {
            throw new IllegalArgumentException(c + " channels do not split into " + groups + " groups");
        }
        Dual grouped = ShapeOps.reshape(x, n, groups, -1);
        Dual y = normalize(grouped, true, eps);
        Dual back = ShapeOps.reshape(y, s.getShape());
        NDArray g = gamma == null ? null : local(gamma.reshape(1, c, 1, 1), x.value());
        NDArray b = beta == null ? null : local(beta.reshape(1, c, 1, 1), x.value());
        return affine(back, g, b);
    }

    /** u·r over the last axis (u = x − mean(x) when centring); the tangent through {@link SymmetricJvp}. */
    private static Dual normalize(Dual x, boolean center, double eps) {
        UnaryOperator<NDArray> f = center ? a -> nativeLayerNorm(a, null, null, eps) : a -> rms(a, eps);
        // The Jacobian of u·r (per row) is r·(I − yyᵀ/n) after centring: symmetric.
        return x.hasTangent() ? SymmetricJvp.apply(f, x.value(), x.tangent()) : Dual.of(f.apply(x.value()));
    }

    private static NDArray rms(NDArray x, double eps) {
        return x.mul(Scalars.pow(Scalars.add(x.square().mean(new int[] {-1}, true), eps), -0.5));
    }

    private static Dual affine(Dual y, NDArray gamma, NDArray beta) {
        Dual out = gamma == null ? y : Arith.mul(y, Dual.of(gamma));
        return beta == null ? out : Arith.add(out, Dual.of(beta));
    }

    /** libtorch's fused layer_norm over the last axis; it needs weights, so ones/zeros stand in for none. */
    private static NDArray nativeLayerNorm(NDArray x, NDArray gamma, NDArray beta, double eps) {
        long d = x.getShape().get(x.getShape().dimension() - 1);
        Shape last = new Shape(d);
        NDArray g = gamma != null ? gamma : x.getManager().ones(last, x.getDataType());
        NDArray b = beta != null ? beta : x.getManager().zeros(last, x.getDataType());
        return x.getNDArrayInternal().layerNorm(x, last, g, b, (float) eps).singletonOrThrow();
    }

    /** Moves an array derived from a long-lived parameter into the activation's manager. */
    static NDArray local(NDArray derived, NDArray activation) {
        derived.attach(activation.getManager());
        return derived;
    }
}
