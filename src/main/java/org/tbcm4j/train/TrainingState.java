package org.tbcm4j.train;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Where a run stands. Randomness is derived from (seed, stream, step) (see Rng), so the seed and the
 * step are the whole RNG state: a resumed run redraws exactly what the uninterrupted run would.
 *
 * @param step iterations completed
 * @param seed the run's seed
 * @param updates optimizer updates applied (steps minus skipped ones)
 * @param skipped steps skipped for a non-finite gradient norm
 */
public record TrainingState(
        @JsonProperty("step") long step,
        @JsonProperty("seed") long seed,
        @JsonProperty("updates") long updates,
        @JsonProperty("skipped") long skipped) {}
