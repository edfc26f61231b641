package org.tbcm4j.trigflow;

/**
 * The teacher's sampling times: N steps from π/2 (pure noise) to 0, uniform in u then shifted as in
 * flow models: τ = s·u/(1 + (s−1)·u), t = atan2(τ, 1−τ). Shift s > 1 spends more steps near noise.
 */
public final class TeacherSchedule {
    private TeacherSchedule() {}

    public static double[] times(int steps, double shift) {
        if (steps < 1) {
            throw new IllegalArgumentException("steps must be at least 1, got " + steps);
        }
        if (!(shift > 0) || !Double.isFinite(shift)) {
            throw new IllegalArgumentException("shift must be positive, got " + shift);
        }
        double[] t = new double[steps + 1];
        for (int k = 0; k <= steps; k++) {
            double u = 1.0 - (double) k / steps;
            double tau = shift * u / (1 + (shift - 1) * u);
            t[k] = Math.atan2(tau, 1 - tau);
        }
        return t;
    }
}
