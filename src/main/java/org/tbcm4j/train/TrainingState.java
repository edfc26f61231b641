package org.tbcm4j.train;

import org.tbcm4j.util.OptionalKey;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Where a run stands. Randomness is derived from (seed, stream, step) (see Rng), so the seed and the
 * step are the whole RNG state: a resumed run redraws exactly what the uninterrupted run would.
 *
 * @param step iterations completed
 * @param seed the run's seed
 * @param updates optimizer updates applied (steps minus skipped ones)
 * @param skipped steps skipped for a non-finite gradient norm
 * @param adversaryUpdates the adversary's optimizer updates (0 without one)
 * @param adversarySkipped the adversary's skipped steps
 */
public record TrainingState(
        @JsonProperty("step") long step,
        @JsonProperty("seed") long seed,
        @JsonProperty("updates") long updates,
        @JsonProperty("skipped") long skipped,
        @JsonProperty("adversary_updates")
        @OptionalKey Long adversaryUpdates,
        @JsonProperty("adversary_skipped")
        @OptionalKey Long adversarySkipped) {

    /** Checkpoints written before adversaries existed have neither adversary key. */
    public TrainingState {
        adversaryUpdates = adversaryUpdates == null ? 0L : adversaryUpdates;
        adversarySkipped = adversarySkipped == null ? 0L : adversarySkipped;
    }

    /** A state without an adversary. */
    public TrainingState(long step, long seed, long updates, long skipped) {
        this(step, seed, updates, skipped, 0L, 0L);
    }
}
