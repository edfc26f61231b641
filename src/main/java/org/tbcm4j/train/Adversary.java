package org.tbcm4j.train;

import ai.djl.ndarray.NDManager;
import org.tbcm4j.nn.Module;
import org.tbcm4j.nn.OptimizerConfig;

/**
 * A second network trained in alternation with a task's model, as LADD trains its discriminator: after
 * each update of the model, one update of this one from its own loss, with its own optimizer. Its weights
 * and optimizer state go into the run's checkpoints beside the model's, so a resumed run continues both.
 */
public interface Adversary {
    /** The trainable network (its parameters only; whatever frozen network it reads is not part of it). */
    Module model();

    /** Its optimizer's settings. */
    OptimizerConfig optimizer();

    /**
     * Its loss at iteration {@code step}, computed inside its own GradientCollector after the model's
     * update; its metrics are among the task's {@link TrainingTask#metricNames}.
     */
    TrainingTask.StepLoss loss(long step, NDManager manager);

    /** Its update's name as a part of an iteration (loss, backward and optimizer step), for bench iteration. */
    String updateName();
}
