package org.tbcm4j.distill;

import org.tbcm4j.util.OptionalKey;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Arrays;

/**
 * LADD's settings, read by {@link SanaSprint} (sCM on data pairs plus LADD) (official values from train_scm_ladd.py and the
 * Sana-Sprint yaml in brackets; docs/method.md maps each step).
 *
 * @param enabled the old switch for LADD, from before {@code method: sana_sprint}; read (see
 *     {@link DistillConfig}), never written: null once the config is bound
 * @param headBlockIds teacher blocks the heads read, ascending, 0-based [2, 8, 14, 19 of Sana's blocks]
 * @param advLambda weight of the generator's adversarial loss [0.5]
 * @param scmLambda weight of the sCM loss [1]
 * @param loss {@code hinge} [the yaml] or {@code cross_entropy} [the code's default]
 * @param tMean the discriminator's time distribution, t = atan(exp(N(tMean, tStd²))/σ_d) [−0.6]
 * @param tStd [1.0]
 * @param largestTimestepProb probability that a fake is made from pure noise, t = π/2 [0.5]
 * @param misaligned whether the discriminator also sees real latents with another sample's class as fakes [true]
 */
public record LaddConfig(
        @JsonInclude(JsonInclude.Include.NON_NULL)
        @OptionalKey Boolean enabled,
        int[] headBlockIds, double advLambda, double scmLambda, String loss,
        double tMean, double tStd, double largestTimestepProb, boolean misaligned) {
    public static final String HINGE = "hinge";
    public static final String CROSS_ENTROPY = "cross_entropy";

    /** LADD's settings, checked when the method uses them (other methods carry no ladd section). */
    void check() {
        if (headBlockIds == null || headBlockIds.length == 0 || headBlockIds.length > 64) {
            throw new IllegalArgumentException("ladd.head_block_ids must name 1 to 64 teacher blocks");
        }
        for (int i = 0; i < headBlockIds.length; i++) {
            if (headBlockIds[i] < 0 || (i > 0 && headBlockIds[i] <= headBlockIds[i - 1])) {
                throw new IllegalArgumentException("ladd.head_block_ids must be ascending and >= 0, got "
                        + Arrays.toString(headBlockIds));
            }
        }
        if (!(advLambda >= 0 && advLambda < 1e6) || !(scmLambda >= 0 && scmLambda < 1e6)) {
            throw new IllegalArgumentException("ladd.adv_lambda and ladd.scm_lambda must be in [0, 1e6)");
        }
        if (!HINGE.equals(loss) && !CROSS_ENTROPY.equals(loss)) {
            throw new IllegalArgumentException("ladd.loss must be hinge or cross_entropy, got " + loss);
        }
        if (!Double.isFinite(tMean) || !(tStd > 0 && tStd < 100)) {
            throw new IllegalArgumentException("ladd.t_mean must be finite and ladd.t_std in (0, 100)");
        }
        if (!(largestTimestepProb >= 0 && largestTimestepProb <= 1)) {
            throw new IllegalArgumentException("ladd.largest_timestep_prob must be in [0, 1], got "
                    + largestTimestepProb);
        }
    }

    /** The same settings without the old switch (the method says whether LADD runs). */
    LaddConfig withoutEnabled() {
        return new LaddConfig(null, headBlockIds, advLambda, scmLambda, loss, tMean, tStd, largestTimestepProb,
                misaligned);
    }

    @Override
    public int[] headBlockIds() {
        return headBlockIds == null ? new int[0] : headBlockIds.clone();
    }
}
