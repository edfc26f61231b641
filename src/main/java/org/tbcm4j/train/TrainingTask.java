package org.tbcm4j.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.List;
import java.util.Map;
import org.tbcm4j.nn.Module;

/** What a training run optimises: its per-step loss and, optionally, a periodic evaluation. */
public interface TrainingTask {

    /** The loss to backpropagate and named scalar metrics to log (the loss among them). */
    record StepLoss(NDArray loss, Map<String, NDArray> metrics) {}

    /** What one batch element is, for the throughput column {@code <unit>_per_s}. */
    default String unit() {
        return "examples";
    }

    /** Examples (images, pairs) one step trains on, for the throughput. */
    int examplesPerStep();

    /** Names of the per-step metrics, in column order. */
    List<String> metricNames();

    /**
     * The loss of step {@code step} (1-based), computed inside a GradientCollector. Inputs go in
     * {@code manager}, which is closed after the step; randomness must derive from the step.
     */
    StepLoss loss(long step, NDManager manager);

    /** A network trained against the model in alternation (LADD's discriminator), or null. */
    default Adversary adversary() {
        return null;
    }

    /** Names of the evaluation metrics, in column order. */
    default List<String> evaluationNames() {
        return List.of();
    }

    /** Evaluates {@code weights} (the EMA weights when kept); runs outside any collector. */
    default Map<String, Double> evaluate(long step, Module weights, NDManager manager) {
        return Map.of();
    }
}
