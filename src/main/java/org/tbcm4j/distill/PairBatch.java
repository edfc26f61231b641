package org.tbcm4j.distill;

import ai.djl.ndarray.NDArray;

/**
 * Training pairs for the consistency loss, N of them, whatever their source.
 *
 * @param xt points x_t [N, C, H, W] in data scale (σ_d times unit-variance latents)
 * @param t TrigFlow times [N]
 * @param v the teacher's guided ODE velocity dx_t/dt = σ_d·F at (x_t, t) [N, C, H, W]
 * @param classes class ids [N]
 * @param guidance guidance scales w [N]
 * @param mask 1 for a kept pair, 0 for one dropped by the degenerate-sample filter [N]
 * @param teacherEvaluations teacher network evaluations (per sample, counting both CFG halves) spent
 * @param dropped prompts (or samples) masked by the filter
 * @param x0 the clean latents the pairs were noised from, in data scale, when the source has them (data
 *     pairs, for LADD's generator side); null for trajectory pairs
 */
public record PairBatch(NDArray xt, NDArray t, NDArray v, NDArray classes, NDArray guidance, NDArray mask,
        long teacherEvaluations, int dropped, NDArray x0) {
    public int size() {
        return Math.toIntExact(t.getShape().get(0));
    }
}
