package org.tbcm4j.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.util.function.UnaryOperator;

/**
 * The JVP of a function whose Jacobian is symmetric (any elementwise function; layer, RMS and group
 * normalisation without affine; softmax) equals its VJP with the same vector, which libtorch computes
 * in one fused backward kernel: J·v = Jᵀ·v. Measured at [128, 49, 512]: GELU's tangent 18.9 ms by
 * explicit formula, 3.7 ms this way; LayerNorm's 2.9 ms and 0.5 ms. Every such layer takes its tangent
 * here, on a private graph whose leaf is the detached input, so no gradient reaches the caller's graph.
 */
final class SymmetricJvp {
    private SymmetricJvp() {}

    /**
     * Returns {f(x), J_f(x)·v} for an f with symmetric Jacobian. With grad mode off the value comes from
     * the private graph; with it on, f(x) is computed again in the caller's graph, so that backward
     * reaches x (the one-pass sCM loss) while the tangent stays without a graph, as every tangent does.
     */
    static Dual apply(UnaryOperator<NDArray> f, NDArray x, NDArray v) {
        boolean recording = JniUtils.isGradMode();
        NDArray leaf = x.stopGradient();
        leaf.setRequiresGradient(true);
        NDArray y;
        JniUtils.setGradMode(true);
        try {
            y = f.apply(leaf);
            JniUtils.backward((PtNDArray) y, (PtNDArray) v, false, false);
        } finally {
            JniUtils.setGradMode(recording);
        }
        return Dual.of(recording ? f.apply(x) : y.stopGradient(), leaf.getGradient());
    }
}
