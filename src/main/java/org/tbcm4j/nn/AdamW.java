package org.tbcm4j.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * AdamW over a module's trainable parameters, reading the gradients that libtorch accumulated in
 * backward. One {@link #step} clips by the global gradient norm, skips (and counts) a step whose norm
 * is NaN or infinite, updates, and zeroes the gradients. Its moments are plain arrays so a checkpoint
 * can save and restore them exactly.
 */
public final class AdamW {

    private final OptimizerConfig config;
    private final Map<String, Parameter> params = new LinkedHashMap<>();
    private final Map<String, NDArray> firstMoments = new LinkedHashMap<>();
    private final Map<String, NDArray> secondMoments = new LinkedHashMap<>();
    private long updates;
    private long skipped;

    /** What one step did. */
    public record StepResult(double gradNorm, boolean skipped, double learningRate) {}

    public AdamW(Module module, OptimizerConfig config, NDManager stateManager) {
        this.config = config;
        module.parameters().forEach((name, p) -> {
            if (p.trainable()) {
                params.put(name, p);
                // Created now, outside any step scope, so that no scope can close them.
                firstMoments.put(name, stateManager.zeros(p.shape(), p.array().getDataType()));
                secondMoments.put(name, stateManager.zeros(p.shape(), p.array().getDataType()));
            }
        });
    }

    public OptimizerConfig config() {
        return config;
    }

    /** Applies the accumulated gradients. Call outside any GradientCollector. */
    public StepResult step() {
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            List<NDArray> grads = new ArrayList<>(params.size());
            for (Parameter p : params.values()) {
                NDArray g = Gradients.of(p.array());
                grads.add(g == null ? p.array().zerosLike() : g);
            }
            double norm = globalNorm(grads);
            if (!Double.isFinite(norm)) {
                skipped++;
                zeroGradients();
                return new StepResult(norm, true, config.learningRate(updates + 1));
            }
            updates++;
            double lr = config.learningRate(updates);
            double clip = config.clipNorm() > 0 && norm > config.clipNorm() ? config.clipNorm() / (norm + 1e-6) : 1.0;
            double bias1 = 1 - Math.pow(config.beta1(), updates);
            double bias2 = 1 - Math.pow(config.beta2(), updates);
            int i = 0;
            for (Map.Entry<String, Parameter> e : params.entrySet()) {
                NDArray w = e.getValue().array();
                NDArray g = clip == 1.0 ? grads.get(i++) : Scalars.mul(grads.get(i++), clip);
                NDArray m = firstMoments.get(e.getKey());
                NDArray v = secondMoments.get(e.getKey());
                Scalars.muli(m, config.beta1()).addi(Scalars.mul(g, 1 - config.beta1()));
                Scalars.muli(v, config.beta2()).addi(Scalars.muli(g.square(), 1 - config.beta2()));
                if (config.weightDecay() > 0 && w.getShape().dimension() >= 2) {
                    Scalars.muli(w, 1 - lr * config.weightDecay());
                }
                NDArray denominator = Scalars.addi(Scalars.div(v, bias2).sqrt(), config.eps());
                w.subi(Scalars.muli(m.div(denominator), lr / bias1));
            }
            zeroGradients();
            return new StepResult(norm, false, lr);
        }
    }

    private double globalNorm(List<NDArray> grads) {
        NDArray total = null;
        for (NDArray g : grads) {
            NDArray s = g.toType(DataType.FLOAT64, false).square().sum();
            total = total == null ? s : total.add(s);
        }
        return total == null ? 0.0 : Math.sqrt(total.getDouble());
    }

    /** Copies of the gradients accumulated so far (zeros where none), to measure what a later backward adds. */
    public List<NDArray> gradientCopies() {
        List<NDArray> copies = new ArrayList<>(params.size());
        for (Parameter p : params.values()) {
            NDArray g = Gradients.of(p.array());
            copies.add(g == null ? p.array().zerosLike() : g.duplicate());
        }
        return copies;
    }

    /** The global L2 norm of what was added to the gradients since {@code before} ({@link #gradientCopies}). */
    public double gradientNormSince(List<NDArray> before) {
        List<NDArray> added = new ArrayList<>(params.size());
        int i = 0;
        for (Parameter p : params.values()) {
            NDArray g = Gradients.of(p.array());
            NDArray b = before.get(i++);
            added.add(g == null ? b.neg() : g.sub(b));
        }
        return globalNorm(added);
    }

    /** Zeroes the accumulated gradients of this optimizer's parameters. */
    public void clearGradients() {
        zeroGradients();
    }

    private void zeroGradients() {
        for (Parameter p : params.values()) {
            Gradients.zero(p.array());
        }
    }

    /** Updates applied so far (skipped steps excluded); sets the bias correction and the warm-up. */
    public long updates() {
        return updates;
    }

    public long skippedSteps() {
        return skipped;
    }

    /** Moments by name ({@code m.<param>}, {@code v.<param>}), for checkpoints; live arrays, not copies. */
    public Map<String, NDArray> state() {
        Map<String, NDArray> s = new LinkedHashMap<>();
        firstMoments.forEach((k, a) -> s.put("m." + k, a));
        secondMoments.forEach((k, a) -> s.put("v." + k, a));
        return s;
    }

    /** Restores moments and counters saved by {@link #state()}; names and shapes must match. */
    public void restore(Map<String, NDArray> state, long updatesDone, long skippedDone) {
        Map<String, NDArray> expected = state();
        for (String name : state.keySet()) {
            if (!expected.containsKey(name)) {
                throw new IllegalArgumentException("optimizer state has " + name + ", which is no moment of this model");
            }
        }
        if (updatesDone < 0 || skippedDone < 0) {
            throw new IllegalArgumentException("optimizer counters are negative: " + updatesDone + " updates, "
                    + skippedDone + " skipped");
        }
        for (Map.Entry<String, NDArray> e : expected.entrySet()) {
            NDArray saved = state.get(e.getKey());
            if (saved == null) {
                throw new IllegalArgumentException("optimizer state lacks " + e.getKey());
            }
            if (!saved.getShape().equals(e.getValue().getShape())) {
                throw new IllegalArgumentException("optimizer state " + e.getKey() + " has shape "
                        + saved.getShape() + ", expected " + e.getValue().getShape());
            }
        }
        for (Map<String, NDArray> moments : List.of(firstMoments, secondMoments)) {
            String prefix = moments == firstMoments ? "m." : "v.";
            for (Map.Entry<String, NDArray> e : moments.entrySet()) {
                NDArray old = e.getValue();
                NDArray copy = NativeArrays.copyAs(state.get(prefix + e.getKey()), old.getDataType());
                NativeArrays.persist(copy, old.getManager());
                e.setValue(copy);
                old.close();
            }
        }
        this.updates = updatesDone;
        this.skipped = skippedDone;
    }
}
