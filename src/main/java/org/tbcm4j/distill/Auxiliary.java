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
     * The student's whole loss, given sCM's loss {@code consistency} on the same {@code pairs}; called
     * inside the student's collector; puts its own metrics into {@code metrics}.
     */
    NDArray studentLoss(long step, Student student, PairBatch pairs, NDArray consistency, Map<String, NDArray> metrics);

    /** bench iteration's row for the student term (its forward and backward). */
    String studentTermName();

    /** bench iteration's row for its own update (loss, backward and optimizer step). */
    String updateName();

    /** Reference work for bench iteration (not part of an iteration), by row name. */
    default Map<String, Supplier<Object>> referenceWork(PairBatch pairs) {
        return Map.of();
    }

    /** Bytes of its weights, gradients and optimizer state, by what they are, for bench iteration. */
    Map<String, Long> stateBytes();
}
