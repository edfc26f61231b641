package org.tbcm4j.trigflow;

/**
 * The student's few-step times (Sana's SCMScheduler): 1 step [T, 0]; 2 steps [T, s_mid, 0];
 * N steps linspace(T, 0, N+1), with T = 1.5708; or any N − 1 intermediate times given (rCM samples 4 steps
 * through 1.3, 1.0, 0.6).
 */
public final class StudentSchedule {
    private StudentSchedule() {}

    /** [T, the given intermediate times..., 0]: they must descend strictly inside (0, T). */
    public static double[] through(double[] intermediates) {
        double[] t = new double[intermediates.length + 2];
        t[0] = TrigFlow.T_MAX;
        for (int i = 0; i < intermediates.length; i++) {
            double s = intermediates[i];
            if (!(s > 0 && s < t[i])) {
                throw new IllegalArgumentException("the intermediate times must descend strictly inside (0, 1.5708), got "
                        + java.util.Arrays.toString(intermediates));
            }
            t[i + 1] = s;
        }
        return t;
    }

    public static double[] times(int steps, double intermediate) {
        if (steps < 1) {
            throw new IllegalArgumentException("steps must be at least 1, got " + steps);
        }
        if (steps == 1) {
            return new double[] {TrigFlow.T_MAX, 0.0};
        }
        if (steps == 2) {
            if (!(intermediate > 0 && intermediate < TrigFlow.T_MAX)) {
                throw new IllegalArgumentException("the 2-step intermediate time must lie in (0, 1.5708), got " + intermediate);
            }
            return new double[] {TrigFlow.T_MAX, intermediate, 0.0};
        }
        double[] t = new double[steps + 1];
        for (int i = 0; i <= steps; i++) {
            t[i] = TrigFlow.T_MAX * (steps - i) / steps;
        }
        return t;
    }
}
