package org.tbcm4j.distill;

import org.tbcm4j.train.Phases;

import ai.djl.ndarray.NDManager;

/**
 * A source of (x_t, t, teacher velocity) training pairs. The loss and the loop do not know which one
 * they are fed: the fair comparison of TBCM with its baseline is the same teacher, student, loss and
 * optimizer, with only this source differing.
 */
public interface PairSource {
    /** The pairs of iteration {@code step} (1-based), drawn from randomness derived from the step. */
    PairBatch next(long step, NDManager manager);

    /** The same, with the source's own parts (the data arms' real batch and encoder) run as {@code phases}. */
    default PairBatch next(long step, NDManager manager, Phases phases) {
        return next(step, manager);
    }

    /** Pairs per iteration. */
    int pairsPerIteration();

    /** A name for logs and reports. */
    String name();
}
