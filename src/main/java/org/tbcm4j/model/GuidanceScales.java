package org.tbcm4j.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import org.tbcm4j.util.Rng;

/**
 * Classifier-free guidance scales w: what a valid w is (finite and at least 0; w = 0 is the
 * unconditional model, w = 1 the conditional one), and the set a distillation prompt or data pair
 * draws its w from (Sana-Sprint and TBCM: {4, 4.5, 5}). In a config it is a plain list.
 */
public final class GuidanceScales {
    private final double[] values;

    private GuidanceScales(double[] values) {
        this.values = values;
    }

    /** The set {@code values}, each checked; {@code key} names it in errors (a config key). */
    public static GuidanceScales of(String key, double... values) {
        if (values == null || values.length == 0) {
            throw new IllegalArgumentException(key + " must not be empty");
        }
        for (double w : values) {
            check(key, w);
        }
        return new GuidanceScales(values.clone());
    }

    @JsonCreator
    static GuidanceScales fromConfig(double[] values) {
        return of("guidance_scales", values);
    }

    /** Returns {@code w} if it is a valid guidance scale, else fails naming {@code key}. */
    public static double check(String key, double w) {
        if (!(w >= 0) || !Double.isFinite(w)) {
            throw new IllegalArgumentException(key + " must be a finite guidance scale of at least 0, got " + w);
        }
        return w;
    }

    /** One scale, uniformly from the set. */
    public double draw(Rng rng) {
        return values[rng.nextInt(values.length)];
    }

    @JsonValue
    public double[] values() {
        return values.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GuidanceScales g && Arrays.equals(values, g.values);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(values);
    }

    @Override
    public String toString() {
        return Arrays.toString(values);
    }
}
