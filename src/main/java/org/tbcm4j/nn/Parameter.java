package org.tbcm4j.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/** A named tensor of a module: its shape and initialiser, and once initialised, its array. */
public final class Parameter {
    private final Shape shape;
    private final Init init;
    private final boolean trainable;
    private NDArray array;

    Parameter(Shape shape, Init init, boolean trainable) {
        this.shape = shape;
        this.init = init;
        this.trainable = trainable;
    }

    public Shape shape() {
        return shape;
    }

    Init init() {
        return init;
    }

    /** Whether the optimiser updates it (fixed buffers such as positional tables are not). */
    public boolean trainable() {
        return trainable;
    }

    /** The current array; throws if the module was never initialised or loaded. */
    public NDArray array() {
        if (array == null) {
            throw new IllegalStateException("parameter used before its module was initialised");
        }
        return array;
    }

    public boolean isInitialized() {
        return array != null;
    }

    /** Replaces the array (closing the old one); the new array must have this parameter's shape. */
    public void set(NDArray value) {
        if (!value.getShape().equals(shape)) {
            throw new IllegalArgumentException("shape " + value.getShape() + " where " + shape + " is expected");
        }
        if (array != null && array != value) {
            array.close();
        }
        array = value;
    }
}
