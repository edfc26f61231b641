package org.tbcm4j.trigflow;

/**
 * The student's few-step times (Sana's SCMScheduler): 1 step [T, 0]; 2 steps [T, s_mid, 0];
 * N steps linspace(T, 0, N+1), with T = 1.5708.
 */
public final class StudentSchedule {
    private StudentSchedule() {}

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
