package org.tbcm4j.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import java.util.Map;
import org.tbcm4j.nn.Module;
import org.tbcm4j.nn.Parameter;
import org.tbcm4j.nn.Scalars;

/**
 * An exponential moving average of a model's weights, kept in a second module of the same shape:
 * ema ← d·ema + (1 − d)·θ, with d warmed up as min(decay, (1 + n)/(10 + n)) over the first updates.
 * Buffers (fixed tensors such as positional tables) are copied, not averaged: in float32,
 * d·a + (1 − d)·a drifts away from a over thousands of updates.
 */
public final class Ema {
    private final Module model;
    private final Module average;
    private final double decay;

    /** {@code average} must have the model's structure; it is set to a copy of the model's weights. */
    public Ema(Module model, Module average, double decay) {
        this.model = model;
        this.average = average;
        this.decay = decay;
        average.copyFrom(model);
        average.setTrainable(false);
    }

    public Module average() {
        return average;
    }

    /** Folds in the current weights after the {@code update}-th optimiser update. */
    public void update(long update) {
        double d = Math.min(decay, (1.0 + update) / (10.0 + update));
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
