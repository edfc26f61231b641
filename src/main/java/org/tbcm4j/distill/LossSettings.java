package org.tbcm4j.distill;

/**
 * The sCM loss's schedule and constants (official defaults in brackets; ours are rescaled to short runs).
 *
 * @param tangentWarmup r = min(1, step/tangentWarmup) [4000]
 * @param calmDown whether r then calms down to finalR (TBCM: yes; the data baseline: no)
 * @param calmDownStart the step where the calm-down begins [15000]
 * @param calmDownSteps its length [2000]
 * @param finalR r after the calm-down [0.75]
 * @param normConstant c in the tangent normalisation g/(‖g‖ + c) [0.1]
 */
public record LossSettings(long tangentWarmup, boolean calmDown, long calmDownStart, long calmDownSteps, double finalR,
        double normConstant) {
    public LossSettings {
        if (tangentWarmup < 0 || calmDownStart < 0 || calmDownSteps < 0) {
            throw new IllegalArgumentException("loss.tangent_warmup, calm_down_start and calm_down_steps must be >= 0");
        }
        if (!(finalR >= 0 && finalR <= 1)) {
            throw new IllegalArgumentException("loss.final_r must be in [0, 1], got " + finalR);
        }
        if (!(normConstant > 0)) {
            throw new IllegalArgumentException("loss.norm_constant (c) must be positive, got " + normConstant);
        }
    }

    /** The weight r of the unstable term at a step (§2.2 step 7). */
    public double r(long step) {
        double r = tangentWarmup == 0 ? 1.0 : Math.min(1.0, (double) step / tangentWarmup);
        if (!calmDown) {
            return r;
        }
        double p = calmDownSteps == 0 ? (step >= calmDownStart ? 1.0 : 0.0)
                : Math.max(0.0, Math.min(1.0, (double) (step - calmDownStart) / calmDownSteps));
        return (1 - p) * r + finalR * p;
    }

    /** The same settings without calm-down (the data-based baseline's). */
    public LossSettings withoutCalmDown() {
        return new LossSettings(tangentWarmup, false, calmDownStart, calmDownSteps, finalR, normConstant);
    }
}
