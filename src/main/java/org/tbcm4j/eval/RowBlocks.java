package org.tbcm4j.eval;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

/**
 * Runs work over blocks of rows on all cores, so that a pairwise matrix is never held whole: with
 * 10,000 targets a block of {@value #BLOCK_ROWS} rows is 10 MB, against 800 MB for the full matrix.
 * Each worker reuses one buffer; workers take blocks from a shared counter, so they stay balanced.
 */
final class RowBlocks {
    static final int BLOCK_ROWS = 128;

    /** Work on rows {@code [from, to)}; {@code buffer} has {@link #BLOCK_ROWS} rows of the requested width. */
    interface Body {
        void accept(int worker, int from, int to, double[][] buffer);
    }

    private RowBlocks() {}

    /** How many workers {@link #run} uses at most: one per core. */
    static int workers() {
        return Runtime.getRuntime().availableProcessors();
    }

    /** Calls {@code body} once for every block of {@code [0, rows)}; returns when all are done. */
    static void run(int rows, int width, Body body) {
        int blocks = (rows + BLOCK_ROWS - 1) / BLOCK_ROWS;
        AtomicInteger next = new AtomicInteger();
        IntStream.range(0, Math.min(workers(), blocks)).parallel().forEach(worker -> {
            double[][] buffer = new double[BLOCK_ROWS][width];
            for (int b = next.getAndIncrement(); b < blocks; b = next.getAndIncrement()) {
                int from = b * BLOCK_ROWS;
                body.accept(worker, from, Math.min(rows, from + BLOCK_ROWS), buffer);
            }
        });
    }
}
