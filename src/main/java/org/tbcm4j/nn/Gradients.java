package org.tbcm4j.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;

/** Access to libtorch's accumulated .grad, which DJL exposes only partly. */
final class Gradients {
    private Gradients() {}

    /** The accumulated gradient, or null if backward never reached this parameter. Caller closes it. */
    static NDArray of(NDArray param) {
        return JniUtils.getGradient((PtNDArray) param);
    }

    /** Sets .grad to zero in place (PyTorch accumulates gradients across backward calls). */
    static void zero(NDArray param) {
        NDArray g = of(param);
        if (g != null) {
            g.close();
            JniUtils.zeroGrad((PtNDArray) param);
        }
    }
}
