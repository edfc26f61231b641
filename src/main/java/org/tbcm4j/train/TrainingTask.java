package org.tbcm4j.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.List;
import java.util.Map;
import org.tbcm4j.nn.Module;

/** What a training run optimises: its per-step loss and, optionally, a periodic evaluation. */
public interface TrainingTask {

    /**
     * The loss to backpropagate and named scalar metrics to log (the loss among them): those computed on the
     * device as scalar arrays, and those the task knows as numbers (a schedule's value, a count). A loss that
     * is a sum of weighted terms with disjoint graphs may name them in {@code terms} (their sum is
     * {@code loss}): the loop then backpropagates them one by one, which accumulates the same gradient, and logs
     * each one's gradient norm as {@code grad_norm_<term>} (what each term pulls with).
     */
    record StepLoss(NDArray loss, Map<String, NDArray> metrics, Map<String, Double> values, Map<String, NDArray> terms) {
        public StepLoss(NDArray loss, Map<String, NDArray> metrics) {
            this(loss, metrics, Map.of(), Map.of());
        }

        public StepLoss(NDArray loss, Map<String, NDArray> metrics, Map<String, Double> values) {
            this(loss, metrics, values, Map.of());
        }
    }

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

    /** The same, with the loss's own parts (e.g. a distillation's pairs) run as {@code phases}. */
    default StepLoss loss(long step, NDManager manager, Phases phases) {
        return loss(step, manager);
    }

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
