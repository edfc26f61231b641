package org.tbcm4j.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/** Elementwise arithmetic and scalar functions over (value, tangent), with broadcasting. */
public final class Arith {
    private Arith() {}

    public static Dual add(Dual a, Dual b) {
        NDArray v = a.value().add(b.value());
        return Dual.of(v, broadcastTo(Tangents.add(a.tangent(), b.tangent()), v.getShape()));
    }

    public static Dual sub(Dual a, Dual b) {
        NDArray v = a.value().sub(b.value());
        return Dual.of(v, broadcastTo(Tangents.sub(a.tangent(), b.tangent()), v.getShape()));
    }

    /** Product rule: d(ab) = da·b + a·db. */
    public static Dual mul(Dual a, Dual b) {
        NDArray v = a.value().mul(b.value());
        if (!a.hasTangent() && !b.hasTangent()) {
            return Dual.of(v);
        }
        NDArray t = Tangents.rule(() -> broadcastTo(
                Tangents.add(Tangents.mul(a.tangent(), b.value()), Tangents.mul(b.tangent(), a.value())), v.getShape()));
        return Dual.of(v, t);
    }

    /** Quotient rule: d(a/b) = (da − (a/b)·db)/b. */
    public static Dual div(Dual a, Dual b) {
        NDArray v = a.value().div(b.value());
        if (!a.hasTangent() && !b.hasTangent()) {
            return Dual.of(v);
        }
        NDArray t = Tangents.rule(() -> broadcastTo(
                Tangents.sub(a.tangent(), Tangents.mul(b.tangent(), v)).div(b.value()), v.getShape()));
        return Dual.of(v, t);
    }

    public static Dual scale(Dual a, double s) {
        return Dual.of(Scalars.mul(a.value(), s), Tangents.mul(a.tangent(), s));
    }

    public static Dual addScalar(Dual a, double s) {
        return Dual.of(Scalars.add(a.value(), s), a.tangent());
    }

    public static Dual neg(Dual a) {
        return Dual.of(a.value().neg(), a.tangent() == null ? null : a.tangent().neg());
    }

    public static Dual sin(Dual a) {
        NDArray t = a.hasTangent() ? Tangents.rule(() -> a.tangent().mul(a.value().cos())) : null;
        return Dual.of(a.value().sin(), t);
    }

    public static Dual cos(Dual a) {
        NDArray t = a.hasTangent() ? Tangents.rule(() -> a.tangent().mul(a.value().sin()).neg()) : null;
        return Dual.of(a.value().cos(), t);
    }

    public static Dual exp(Dual a) {
        NDArray v = a.value().exp();
        return Dual.of(v, a.hasTangent() ? Tangents.rule(() -> a.tangent().mul(v)) : null);
    }

    public static Dual square(Dual a) {
        NDArray t = a.hasTangent() ? Tangents.rule(() -> a.tangent().mul(Scalars.mul(a.value(), 2))) : null;
        return Dual.of(a.value().square(), t);
    }

    /** d(1/a) = −da/a². */
    public static Dual reciprocal(Dual a) {
        NDArray v = Scalars.pow(a.value(), -1);
        NDArray t = a.hasTangent() ? Tangents.rule(() -> a.tangent().mul(v.square()).neg()) : null;
        return Dual.of(v, t);
    }

    /** Sum over the given axes (a linear map, so the tangent is summed alike). */
    public static Dual sum(Dual a, int[] axes, boolean keepDims) {
        NDArray t = a.tangent() == null ? null : a.tangent().sum(axes, keepDims);
        return Dual.of(a.value().sum(axes, keepDims), t);
    }

    public static Dual mean(Dual a, int[] axes, boolean keepDims) {
        NDArray t = a.tangent() == null ? null : meanOver(a.tangent(), axes, keepDims);
        return Dual.of(meanOver(a.value(), axes, keepDims), t);
    }

    /** Mean over several axes; DJL's PyTorch engine reduces only one axis per mean call. */
    static NDArray meanOver(NDArray a, int[] axes, boolean keepDims) {
        int rank = a.getShape().dimension();
        int[] sorted = java.util.Arrays.stream(axes).map(x -> x < 0 ? x + rank : x).sorted().toArray();
        NDArray out = a;
        for (int i = sorted.length - 1; i >= 0; i--) {
            out = out.mean(new int[] {sorted[i]}, keepDims);
        }
        return out;
    }

    /** A tangent of a broadcast operand must take the result's shape. */
    static NDArray broadcastTo(NDArray t, Shape shape) {
        if (t == null || t.getShape().equals(shape)) {
            return t;
        }
        return t.broadcast(shape);
    }
}
