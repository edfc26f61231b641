package org.tbcm4j.nn;

/**
 * Counts the multiply-add work of the dense primitives (matmul, linear, conv), two FLOPs per
 * multiply-add, so a benchmark can report achieved GFLOP/s. Counting is a single add per call.
 */
public final class FlopCounter {
    private static final ThreadLocal<long[]> COUNT = ThreadLocal.withInitial(() -> new long[1]);

    private FlopCounter() {}

    static void add(long flops) {
        COUNT.get()[0] += flops;
    }

    /** FLOPs counted on this thread since the last reset. */
    public static long get() {
        return COUNT.get()[0];
    }

    public static void reset() {
        COUNT.get()[0] = 0;
    }
}
