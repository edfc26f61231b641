package org.tbcm4j.nn;

import ai.djl.pytorch.jni.JniUtils;
import java.util.function.Supplier;

/**
 * Runs code with libtorch's grad mode off, even inside a GradientCollector, so that what it
 * computes (a JVP target, a teacher's velocity) records no graph and passes no gradient.
 */
public final class NoGrad {
    private NoGrad() {}

    public static <T> T call(Supplier<T> body) {
        boolean was = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try {
            return body.get();
        } finally {
            JniUtils.setGradMode(was);
        }
    }
}
