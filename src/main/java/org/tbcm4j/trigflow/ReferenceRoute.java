package org.tbcm4j.trigflow;

import org.tbcm4j.util.Rng;

/**
 * TBCM's rollout route (official train_tbcm.py). With the shift map f(u) = s·u/(1 + (s−1)·u):
 * u_k = linspace(1, f(0.001), K), τ_k = f(u_k) (so the shift is applied twice), t_0 = 1.5708 and
 * t_k = atan(τ_k/(1−τ_k)). Dense near noise. Each iteration jitters it: t̃_0 = π/2 and
 * t̃_i ~ U(t_i, t_{i−1}) for i = 1..K−1; the rollout then ends at t̃_K = 0.
 */
public final class ReferenceRoute {
    private final double[] times;

    public ReferenceRoute(int steps, double shift) {
        if (steps < 2) {
            throw new IllegalArgumentException("route_steps must be at least 2, got " + steps);
        }
        if (!(shift > 0) || !Double.isFinite(shift)) {
            throw new IllegalArgumentException("shift must be positive, got " + shift);
        }
        times = new double[steps];
        double end = shifted(0.001, shift);
        for (int k = 0; k < steps; k++) {
            double u = 1 + (end - 1) * k / (steps - 1);
            double tau = shifted(u, shift);
            times[k] = k == 0 ? TrigFlow.T_MAX : Math.atan(tau / (1 - tau));
        }
    }

    /** The K fixed route times t_0 > t_1 > … > t_{K−1}. */
    public double[] times() {
        return times.clone();
    }

    public int steps() {
        return times.length;
    }

    /** The route without jitter: the K fixed times, then a final 0 (K + 1 values); an ablation of the jitter. */
    public double[] fixed() {
        double[] out = java.util.Arrays.copyOf(times, times.length + 1);
        out[0] = Math.PI / 2;
        return out;
    }

    /**
     * The route the official code defines but never calls ({@code sample_ordered_timesteps} with the
     * {@code logit_normal_trigflow} scheme): K times t = atan(exp(N(mean, std²))/σ_d), sorted descending,
     * the largest replaced by π/2, then a final 0 (K + 1 values). No shift; the points are not tied to a grid.
     */
    public static double[] logitNormalSorted(int steps, double mean, double std, Rng rng) {
        double[] out = new double[steps + 1];
        for (int i = 0; i < steps; i++) {
            out[i] = TrigFlow.logNormalTime(mean, std, rng.gaussian());
        }
        java.util.Arrays.sort(out, 0, steps);
        for (int i = 0, j = steps - 1; i < j; i++, j--) {
            double swap = out[i];
            out[i] = out[j];
            out[j] = swap;
        }
        out[0] = Math.PI / 2;
        out[steps] = 0.0;
        return out;
    }

    /** One jittered route: K times from π/2 down, then a final 0 (K + 1 values). */
    public double[] jittered(Rng rng) {
        double[] out = new double[times.length + 1];
        out[0] = Math.PI / 2;
        for (int i = 1; i < times.length; i++) {
            out[i] = rng.uniform(times[i], times[i - 1]);
        }
        out[times.length] = 0.0;
        return out;
    }

    private static double shifted(double u, double shift) {
        return shift * u / (1 + (shift - 1) * u);
    }
}
