package org.tbcm4j.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/** Reshapes, permutations, concatenation and splitting: linear maps applied alike to the tangent. */
public final class ShapeOps {
    private ShapeOps() {}

    public static Dual reshape(Dual x, long... shape) {
        return map(x, a -> a.reshape(shape));
    }

    public static Dual transpose(Dual x, int... axes) {
        return map(x, a -> a.transpose(axes));
    }

    /** Inserts a length-1 axis, e.g. to broadcast a per-sample vector over tokens. */
    public static Dual expandDims(Dual x, int axis) {
        return map(x, a -> a.expandDims(axis));
    }

    /** Concatenation along an axis; a missing tangent counts as zeros of the operand's shape. */
    public static Dual concat(List<Dual> parts, int axis) {
        NDList values = new NDList();
        boolean anyTangent = false;
        for (Dual p : parts) {
            values.add(p.value());
            anyTangent |= p.hasTangent();
        }
        NDArray v = NDArrays.concat(values, axis);
        if (!anyTangent) {
            return Dual.of(v);
        }
        NDList tangents = new NDList();
        for (Dual p : parts) {
            tangents.add(p.hasTangent() ? p.tangent() : p.value().zerosLike());
        }
        return Dual.of(v, NDArrays.concat(tangents, axis));
    }

    /** Splits into {@code sections} equal parts along an axis. */
    public static List<Dual> split(Dual x, int sections, int axis) {
        NDList values = x.value().split(sections, axis);
        NDList tangents = x.hasTangent() ? x.tangent().split(sections, axis) : null;
        List<Dual> out = new ArrayList<>(sections);
        for (int i = 0; i < sections; i++) {
            out.add(Dual.of(values.get(i), tangents == null ? null : tangents.get(i)));
        }
        return out;
    }

    /** [N, C, H, W] → [N, (H/p)(W/p), C·p·p] tokens, row-major over patches. */
    public static Dual patchify(Dual x, int patch) {
        return map(x, a -> patchify(a, patch));
    }

    /** Inverse of {@link #patchify}: [N, (H/p)(W/p), C·p·p] → [N, C, H, W]. */
    public static Dual unpatchify(Dual x, int patch, int channels, int height, int width) {
        return map(x, a -> unpatchify(a, patch, channels, height, width));
    }

    static NDArray patchify(NDArray x, int p) {
        Shape s = x.getShape();
        long n = s.get(0);
        long c = s.get(1);
        long gh = s.get(2) / p;
        long gw = s.get(3) / p;
        if (gh * p != s.get(2) || gw * p != s.get(3)) {
            throw new IllegalArgumentException("image " + s + " is not divisible into patches of " + p);
        }
        return x.reshape(n, c, gh, p, gw, p).transpose(0, 2, 4, 1, 3, 5).reshape(n, gh * gw, c * p * p);
    }

    static NDArray unpatchify(NDArray x, int p, int c, int h, int w) {
        long n = x.getShape().get(0);
        long gh = h / p;
        long gw = w / p;
        return x.reshape(n, gh, gw, c, p, p).transpose(0, 3, 1, 4, 2, 5).reshape(n, c, h, w);
    }

    private static Dual map(Dual x, UnaryOperator<NDArray> f) {
        return Dual.of(f.apply(x.value()), x.hasTangent() ? f.apply(x.tangent()) : null);
    }
}
