package org.tbcm4j.distill;

/**
 * The distribution-matching regulariser of method tbcm_dmd (rCM's DMD term beside sCM; rCM's values for
 * Wan 2.1 in brackets, from rcm/configs/experiments/rcm/wan2pt1_t2v.py).
 *
 * @param weight λ of the student's loss sCM + λ·L_DMD [1.0 against an sCM loss scaled by 100; ours is a
 *     mean, not a per-sample sum, so the value is chosen by measurement]
 * @param start the iteration after which the term enters the student's loss [after the tangent warm-up];
 *     the fake score trains from the first iteration, so it tracks the student when the term starts
 * @param samplesPerIteration the student's one-step samples the term (and the fake score's update) uses
 *     per iteration [the batch]
 * @param timestepShift k of the re-noising time: u ~ U(0, 1), s = k·u/(1 + (k − 1)·u), t = atan(s/(1 − s)) [5]
 * @param fakeLrRatio the fake score's learning rate over the student's [0.2]
 */
public record DmdConfig(double weight, long start, int samplesPerIteration, double timestepShift, double fakeLrRatio) {
    private static final int MAX_SAMPLES = 1 << 16;

    public DmdConfig {
        if (!(weight >= 0 && weight < 1e6)) {
            throw new IllegalArgumentException("dmd.weight must be in [0, 1e6), got " + weight);
        }
        if (start < 0) {
            throw new IllegalArgumentException("dmd.start must be >= 0, got " + start);
        }
        if (samplesPerIteration < 1 || samplesPerIteration > MAX_SAMPLES) {
            throw new IllegalArgumentException("dmd.samples_per_iteration must be in [1, " + MAX_SAMPLES + "], got "
                    + samplesPerIteration);
        }
        if (!(timestepShift > 0 && timestepShift < 1e6)) {
            throw new IllegalArgumentException("dmd.timestep_shift must be in (0, 1e6), got " + timestepShift);
        }
        if (!(fakeLrRatio > 0 && fakeLrRatio <= 100)) {
            throw new IllegalArgumentException("dmd.fake_lr_ratio must be in (0, 100], got " + fakeLrRatio);
        }
    }
}
