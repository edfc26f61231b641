package org.tbcm4j.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * A value and its tangent (the directional derivative along the direction of a JVP). A null tangent
 * stands for an exactly zero one, so a plain forward pass is the same code with every tangent null
 * and pays nothing for the tangent path.
 */
public final class Dual {
    private final NDArray value;
    private final NDArray tangent;

    private Dual(NDArray value, NDArray tangent) {
        if (tangent != null && !tangent.getShape().equals(value.getShape())) {
            throw new IllegalArgumentException(
                    "tangent shape " + tangent.getShape() + " differs from value shape " + value.getShape());
        }
        this.value = value;
        this.tangent = tangent;
    }

    /** A constant: zero tangent. */
    public static Dual of(NDArray value) {
        return new Dual(value, null);
    }

    /** A value with a tangent, which may be null (zero). */
    public static Dual of(NDArray value, NDArray tangent) {
        return new Dual(value, tangent);
    }

    public NDArray value() {
        return value;
    }

    /** The tangent, or null when it is exactly zero. */
    public NDArray tangent() {
        return tangent;
    }

    public boolean hasTangent() {
        return tangent != null;
    }

    public Shape shape() {
        return value.getShape();
    }
}
