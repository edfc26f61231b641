package org.tbcm4j.model;

import ai.djl.ndarray.NDArray;

/** Something that turns noise and class ids into unit-variance latents: a teacher with a sampler, or a student. */
public interface LatentGenerator {
    /**
     * @param classes class ids [B]
     * @param noise standard normal noise [B, C, H, W], one draw per sample (the generator scales it by σ_d)
     * @param sampleIndices the samples' global indices, for any further per-sample randomness
     * @return latents y [B, C, H, W] with the data's unit variance
     */
    NDArray generate(NDArray classes, NDArray noise, long[] sampleIndices);

    /** Network evaluations per sample (counting both halves of a guided batch). */
    int evaluationsPerSample();

    /** Classes the model is conditioned on (ids 0..numClasses−1). */
    int numClasses();

    /** A short description for reports, e.g. "teacher, DPM-Solver++(2M), 16 steps, CFG 3". */
    String describe();

    /**
     * The starting noise of sample {@code index} under {@code seed}: {@code values} standard normal draws
     * from their own stream, so a sample's image does not depend on its batch or on what came before it.
     */
    static void startingNoise(long seed, long index, float[] into, int offset, int values) {
        org.tbcm4j.util.Rng rng = org.tbcm4j.util.Rng.of(seed, "noise", index);
        for (int k = 0; k < values; k++) {
            into[offset + k] = (float) rng.gaussian();
        }
    }
}
