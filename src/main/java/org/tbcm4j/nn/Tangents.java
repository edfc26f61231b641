package org.tbcm4j.nn;

import ai.djl.ndarray.NDArray;

/** Null-aware arithmetic on tangents, where null means an exactly zero tangent. */
final class Tangents {
    private Tangents() {}

    static NDArray add(NDArray a, NDArray b) {
        if (a == null) {
            return b;
        }
        return b == null ? a : a.add(b);
    }

    static NDArray sub(NDArray a, NDArray b) {
        if (b == null) {
            return a;
        }
        return a == null ? b.neg() : a.sub(b);
    }

    /** {@code t * factor}, null when the tangent is null; {@code t} comes first so the result lives in its manager. */
    static NDArray mul(NDArray t, NDArray factor) {
        return t == null ? null : t.mul(factor);
    }

    static NDArray mul(NDArray t, double factor) {
        return t == null ? null : Scalars.mul(t, factor);
    }
}
