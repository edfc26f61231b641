package org.tbcm4j.distill;

import ai.djl.ndarray.NDArray;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.tbcm4j.model.Student;
import org.tbcm4j.train.Adversary;

/**
 * A method's own network beside the student (LADD's discriminator): a term it adds to the student's loss,
 * and its own update after the student's, which the loop runs (and checkpoints) as an {@link Adversary}.
 */
public interface Auxiliary extends Adversary {
    /** The per-step metrics it adds, in column order (those of both its student term and its update). */
    List<String> metricNames();

    /**
     * Its term in the student's loss at iteration {@code step} (the pairs are the iteration's), unweighted;
     * called inside the student's collector; puts its own metrics into {@code metrics}.
     */
    NDArray studentTerm(long step, Student student, PairBatch pairs, NDArray like, Map<String, NDArray> metrics);

    /** The term's weight at iteration {@code step}; at 0 the term is not computed. */
    double termWeight(long step);

    /** The weight of sCM's loss beside the term (LADD's scm_lambda); 1 unless a method says otherwise. */
    default double consistencyWeight() {
        return 1;
    }

    /**
     * Teacher network evaluations its student term spends at iteration {@code step} (counting both CFG halves),
     * charged to the iteration's teacher evaluations beside the pairs'; 0 for a term that reads the teacher only
     * as a discriminator's backbone (LADD counts those passes apart).
     */
    default long teacherEvaluations(long step) {
        return 0;
    }

    /** bench iteration's row for the student term (its forward and backward). */
    String studentTermName();

    /** Reference work for bench iteration (not part of an iteration), by row name. */
    default Map<String, Supplier<Object>> referenceWork(PairBatch pairs) {
        return Map.of();
    }

    /** Bytes of its weights, gradients and optimizer state, by what they are, for bench iteration. */
    Map<String, Long> stateBytes();
}
