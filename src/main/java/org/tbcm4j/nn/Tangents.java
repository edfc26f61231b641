package org.tbcm4j.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.util.function.Supplier;

/**
 * Null-aware arithmetic on tangents, where null means an exactly zero tangent, and {@link #rule}, the
 * grad mode every tangent rule runs in.
 */
final class Tangents {
    private Tangents() {}

    /**
     * Runs a tangent rule that reads values or weights with grad mode off. Tangents are never
     * differentiated (sCM stops the gradient of its JVP target), so a pass taken with grad mode on records
     * the value path for backward and carries the tangent beside it without a graph: one pass gives the
     * loss's F with its graph and the target's J without one.
     */
    static NDArray rule(Supplier<NDArray> rule) {
        return JniUtils.isGradMode() ? NoGrad.call(rule) : rule.get();
    }

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
