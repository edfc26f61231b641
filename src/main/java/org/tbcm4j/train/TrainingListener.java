package org.tbcm4j.train;

import java.util.Map;

/**
 * What happens around the iterations of {@link TrainLoop}, one concern per listener (as DJL's EasyTrain
 * listeners): the skip guard, the evaluation, metrics.csv, snapshots, checkpoints, the progress bar, and
 * bench iteration's timing. Listeners run in the order given, so a later one sees what an earlier one added
 * (metrics.csv writes the evaluation's figures).
 */
public interface TrainingListener {
    /**
     * One finished iteration: its metrics as numbers, what the optimizer did, how long it took, whether it is
     * the last of this invocation, and the evaluation's figures (filled by the evaluation listener, if any).
     */
    record Step(long step, Map<String, Double> metrics, double gradNorm, double learningRate, boolean skipped,
            long skippedSteps, double seconds, boolean last, Map<String, Double> evaluation) {}

    /** After each iteration. */
    void iterationEnded(Step step);

    /** After the last iteration of this invocation ({@code finished}: the run's last step), or on failure not at all. */
    default void trainingEnded(long lastStep, boolean finished) {}
}
