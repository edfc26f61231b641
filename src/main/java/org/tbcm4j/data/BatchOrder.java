package org.tbcm4j.data;

import java.util.Arrays;
import org.tbcm4j.util.Rng;

/**
 * Seeded shuffled batching as a pure function of the step: epoch e visits the examples in the order
 * of permutation (seed, e), in full batches (the remainder of an epoch is dropped), so a resumed run
 * sees exactly the batches the uninterrupted run would have.
 */
public final class BatchOrder {
    private final int size;
    private final int batchSize;
    private final long seed;
    private final int batchesPerEpoch;
    private long cachedEpoch = -1;
    private int[] cachedPermutation;

    public BatchOrder(int size, int batchSize, long seed) {
        if (batchSize <= 0 || batchSize > size) {
            throw new IllegalArgumentException("batch_size " + batchSize + " must be between 1 and the dataset size " + size);
        }
        this.size = size;
        this.batchSize = batchSize;
        this.seed = seed;
        this.batchesPerEpoch = size / batchSize;
    }

    public int batchSize() {
        return batchSize;
    }

    public int batchesPerEpoch() {
        return batchesPerEpoch;
    }

    /** The example indices of the batch used at {@code step} (0-based). */
    public int[] batch(long step) {
        long epoch = step / batchesPerEpoch;
        int position = (int) (step % batchesPerEpoch);
        if (epoch != cachedEpoch) {
            cachedPermutation = Rng.of(seed, "epoch", epoch).permutation(size);
            cachedEpoch = epoch;
        }
        return Arrays.copyOfRange(cachedPermutation, position * batchSize, (position + 1) * batchSize);
    }
}
