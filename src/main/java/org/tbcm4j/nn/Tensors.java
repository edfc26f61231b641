package org.tbcm4j.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.tbcm4j.util.Rng;

/**
 * Tensors built from Java numbers, in libtorch-owned memory (see {@link NativeArrays} for why), so that
 * domain code says what it builds: per-sample times and guidance scales, class ids, pixels, noise.
 */
public final class Tensors {
    private Tensors() {}

    /** A float32 tensor of the given shape (row-major values). */
    public static NDArray float32(NDManager m, float[] values, long... shape) {
        return NativeArrays.of(m, values, new Shape(shape));
    }

    /** A float32 vector [n] of per-sample values (times, guidance scales), rounded from double. */
    public static NDArray float32(NDManager m, double[] values) {
        return cast(NativeArrays.of(m, values, new Shape(values.length)), DataType.FLOAT32);
    }

    /** A vector [n] of per-sample values in {@code like}'s type and manager. */
    public static NDArray like(NDArray like, double[] values) {
        return cast(NativeArrays.of(like.getManager(), values, new Shape(values.length)), like.getDataType());
    }

    /** An int64 vector [n] of class ids. */
    public static NDArray classIds(NDManager m, long[] ids) {
        return NativeArrays.of(m, ids, new Shape(ids.length));
    }

    /** Independent N(0, std²) draws from {@code rng}; float32 draws are rounded from double. */
    public static NDArray normal(NDManager m, Rng rng, Shape shape, DataType type, double std) {
        double[] d = rng.gaussians(Math.toIntExact(shape.size()), std);
        if (type == DataType.FLOAT64) {
            return NativeArrays.of(m, d, shape);
        }
        float[] f = new float[d.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) d[i];
        }
        return cast(NativeArrays.of(m, f, shape), type);
    }

    /** Independent U(lo, hi) draws from {@code rng}. */
    public static NDArray uniform(NDManager m, Rng rng, Shape shape, DataType type, double lo, double hi) {
        double[] d = new double[Math.toIntExact(shape.size())];
        for (int i = 0; i < d.length; i++) {
            d[i] = rng.uniform(lo, hi);
        }
        return cast(NativeArrays.of(m, d, shape), type);
    }

    /** Casts to {@code type}, closing the source array when a copy was made. */
    private static NDArray cast(NDArray source, DataType type) {
        if (source.getDataType() == type) {
            return source;
        }
        NDArray converted = source.toType(type, false);
        source.close();
        return converted;
    }
}
