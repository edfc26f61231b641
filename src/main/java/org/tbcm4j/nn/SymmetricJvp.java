package org.tbcm4j.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.util.function.UnaryOperator;

/**
 * The JVP of a function whose Jacobian is symmetric (any elementwise function; layer, RMS and group
 * normalisation without affine; softmax) equals its VJP with the same vector, which libtorch computes
 * in one fused backward kernel: J·v = Jᵀ·v. Measured at [128, 49, 512]: GELU's tangent 18.9 ms by
 * explicit formula, 3.7 ms this way; LayerNorm's 2.9 ms and 0.5 ms. Used only when grad mode is off
 * (a JVP target); with grad mode on, callers keep the explicit, differentiable formula.
 */
final class SymmetricJvp {
    private SymmetricJvp() {}

    /** Whether the fast path applies: grad mode off, so the tangent need not be differentiable. */
    static boolean usable() {
        return !JniUtils.isGradMode();
    }

    /** Returns {f(x), J_f(x)·v} for an f with symmetric Jacobian, on a private autograd graph. */
    static Dual apply(UnaryOperator<NDArray> f, NDArray x, NDArray v) {
        NDArray leaf = x.stopGradient();
        leaf.setRequiresGradient(true);
        NDArray y;
        JniUtils.setGradMode(true);
        try {
            y = f.apply(leaf);
            JniUtils.backward((PtNDArray) y, (PtNDArray) v, false, false);
        } finally {
            JniUtils.setGradMode(false);
        }
        return Dual.of(y.stopGradient(), leaf.getGradient());
    }
}
