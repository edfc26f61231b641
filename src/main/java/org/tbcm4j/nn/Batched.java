package org.tbcm4j.nn;

import ai.djl.ndarray.NDManager;
import java.util.stream.IntStream;

/**
 * Inference over many items in batches: each batch runs in its own {@link StepScope} (its arrays are
 * freed when it ends) with grad mode off, so the caller only says what one batch computes.
 */
public final class Batched {
    /** What one batch of items {@code start .. start + count − 1} computes; arrays go in {@code manager}. */
    @FunctionalInterface
    public interface Body {
        void run(int start, int count, NDManager manager);
    }

    private Batched() {}

    /** Runs {@code body} over 0..total−1 in batches of at most {@code batchSize}. */
    public static void forEach(NDManager root, int total, int batchSize, Body body) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
        }
        for (int start = 0; start < total; start += batchSize) {
            int first = start;
            int count = Math.min(batchSize, total - start);
            try (StepScope s = StepScope.open(root)) {
                NoGrad.call(() -> {
                    body.run(first, count, s.manager());
                    return null;
                });
            }
        }
    }

    /** The indices start .. start + count − 1. */
    public static int[] indices(int start, int count) {
        return IntStream.range(start, start + count).toArray();
    }
}
