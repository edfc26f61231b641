package org.tbcm4j.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.jni.JniUtils;

/**
 * Arrays whose memory libtorch owns. DJL builds an array from Java data by wrapping a Java direct
 * buffer (from_blob, no deleter): the memory lives only as long as that one Java object. Any native
 * reference that outlives the object, such as a tensor autograd saved for backward or a view, then
 * dangles once the garbage collector frees the buffer. DJL's own scalar ops (mul(Number), …) create
 * and close such a tensor around each call, and multiply and pow save it for backward; this gave
 * sporadic NaN gradients here. Everything that can enter a graph is therefore created through this
 * class: a Java-backed array is cloned into libtorch's allocator and the original closed at once.
 */
public final class NativeArrays {
    private NativeArrays() {}

    public static NDArray of(NDManager manager, float[] data, Shape shape) {
        return owned(manager.create(data, shape));
    }

    public static NDArray of(NDManager manager, double[] data, Shape shape) {
        return owned(manager.create(data, shape));
    }

    public static NDArray of(NDManager manager, long[] data, Shape shape) {
        return owned(manager.create(data, shape));
    }

    /** A copy in libtorch-owned memory (toType(sameType, true) would return an alias instead). */
    public static NDArray copy(NDArray a) {
        return JniUtils.clone((PtNDArray) a);
    }

    /** How many values of {@code a} are NaN or ±inf (one reduction, no copy to Java). */
    public static long nonFiniteCount(NDArray a) {
        try (NDArray bad = a.isNaN().logicalOr(a.isInfinite()); NDArray n = bad.countNonzero()) {
            return n.getLong();
        }
    }

    /** A 0-d tensor holding {@code v} in {@code like}'s type, device and manager, natively allocated. */
    public static NDArray scalar(NDArray like, double v) {
        return JniUtils.full((PtNDManager) like.getManager(), new Shape(), v, like.getDataType(), like.getDevice(),
                SparseFormat.DENSE);
    }

    /** {@code a} cast to {@code type} in libtorch-owned memory, always a fresh copy. */
    public static NDArray copyAs(NDArray a, DataType type) {
        return a.getDataType() == type ? copy(a) : a.toType(type, true);
    }

    /**
     * Hands {@code a} to a long-lived owner: out of any open {@link ai.djl.ndarray.NDScope} (which would
     * close it when the scope ends) and into {@code owner}'s manager.
     */
    public static NDArray persist(NDArray a, NDManager owner) {
        ai.djl.ndarray.NDScope.unregister(a);
        a.attach(owner);
        return a;
    }

    private static NDArray owned(NDArray javaBacked) {
        NDArray copy = copy(javaBacked);
        javaBacked.close();
        return copy;
    }
}
