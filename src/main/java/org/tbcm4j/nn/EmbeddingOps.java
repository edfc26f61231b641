package org.tbcm4j.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import java.util.List;

/** Sinusoidal embeddings of continuous scalars and table lookups of integer ids. */
public final class EmbeddingOps {
    private EmbeddingOps() {}

    /**
     * [cos(s·f_k), sin(s·f_k)] for f_k = maxPeriod^(−k/half), k = 0..half−1, of a batch of scalars
     * s (shape [B]); the tangent is [−sin(s·f)·f·ds, cos(s·f)·f·ds], the exact derivative in s.
     */
    public static Dual sinusoidal(Dual s, int dim, double maxPeriod) {
        if (dim % 2 != 0) {
            throw new IllegalArgumentException("sinusoidal embedding size must be even, got " + dim);
        }
        int half = dim / 2;
        double[] freqs = new double[half];
        for (int k = 0; k < half; k++) {
            freqs[k] = Math.exp(-Math.log(maxPeriod) * k / half);
        }
        NDArray f = NativeArrays.copyAs(NativeArrays.of(s.value().getManager(), freqs, new Shape(1, half)), s.value().getDataType());
        Dual args = Arith.mul(ShapeOps.expandDims(s, 1), Dual.of(f));
        return ShapeOps.concat(List.of(Arith.cos(args), Arith.sin(args)), -1);
    }

    /** Rows of {@code table} [K, H] at integer {@code ids} [B]; ids carry no tangent. */
    public static Dual lookup(NDArray table, NDArray ids) {
        NDArray index = ids.getDataType() == DataType.INT64 ? ids : ids.toType(DataType.INT64, false);
        return Dual.of(index.getNDArrayInternal().embedding(index, table, SparseFormat.DENSE).singletonOrThrow());
    }
}
