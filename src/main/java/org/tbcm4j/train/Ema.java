package org.tbcm4j.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import java.util.Map;
import org.tbcm4j.nn.Module;
import org.tbcm4j.nn.Parameter;
import org.tbcm4j.nn.Scalars;

/**
 * An exponential moving average of a model's weights, kept in a second module of the same shape:
 * ema ← d·ema + (1 − d)·θ, with d warmed up as min(decay, (1 + n)/(c + n)) over the first updates (c = 10
 * is the usual warm-up; c = 1 uses the set decay from the first update).
 * Buffers (fixed tensors such as positional tables) are copied, not averaged: in float32,
 * d·a + (1 − d)·a drifts away from a over thousands of updates.
 */
public final class Ema {
    private final Module model;
    private final Module average;
    private final double decay;
    private final double warmup;

    /**
     * {@code average} must have the model's structure; it is set to a copy of the model's weights.
     * {@code warmup} is c above, at least 1.
     */
    public Ema(Module model, Module average, double decay, double warmup) {
        if (!(warmup >= 1)) {
            throw new IllegalArgumentException("the EMA warm-up must be at least 1, got " + warmup);
        }
        this.model = model;
        this.average = average;
        this.decay = decay;
        this.warmup = warmup;
        average.copyFrom(model);
        average.setTrainable(false);
    }

    public Module average() {
        return average;
    }

    /** The decay applied after the {@code update}-th update. */
    public double decay(long update) {
        return Math.min(decay, (1.0 + update) / (warmup + update));
    }

    /** Folds in the current weights after the {@code update}-th optimiser update. */
    public void update(long update) {
        double d = decay(update);
        Map<String, Parameter> mine = average.parameters();
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            model.parameters().forEach((name, p) -> {
                NDArray target = mine.get(name).array();
                if (p.trainable()) {
                    Scalars.muli(target, d).addi(Scalars.mul(p.array(), 1 - d));
                } else {
                    target.muli(0).addi(p.array());
                }
            });
        }
    }
}
