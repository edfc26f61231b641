package org.tbcm4j.trigflow;

import ai.djl.ndarray.NDArray;
import org.tbcm4j.nn.Scalars;
import org.tbcm4j.nn.Tensors;
import org.tbcm4j.util.Rng;

/**
 * The student's sampler (SCMScheduler): from x = σ_d·N(0, I), at each scheduled t take
 * x̂₀ = cos t·x − sin t·σ_d·F(x/σ_d, t), then re-noise x = cos t'·x̂₀ + sin t'·σ_d·n with fresh n.
 * One network evaluation per step; returns the last x̂₀/σ_d (unit-variance latents).
 */
public final class ConsistencySampler {
    private ConsistencySampler() {}

    /** @param start the initial noise x (already scaled by σ_d); @param rng the source of re-noising draws */
    public static NDArray sample(TrigFlowModel model, NDArray start, double[] times, Rng rng) {
        return sample(model, start, times,
                step -> Tensors.normal(start.getManager(), rng, start.getShape(), start.getDataType(), 1.0));
    }

    /**
     * The same with the re-noising draw of each step supplied by the caller (standard normal, the shape
     * of {@code start}), e.g. drawn per sample so that results do not depend on the batch.
     */
    public static NDArray sample(TrigFlowModel model, NDArray start, double[] times,
            java.util.function.IntFunction<NDArray> renoise) {
        NDArray x = start;
        long batch = start.getShape().get(0);
        NDArray x0 = null;
        for (int i = 0; i < times.length - 1; i++) {
            NDArray t = TrigFlow.constantTime(start, batch, times[i]);
            x0 = model.x0(x, t);
            double next = times[i + 1];
            if (next > 0) {
                NDArray n = renoise.apply(i + 1);
                x = Scalars.mul(x0, Math.cos(next)).add(Scalars.mul(n, Math.sin(next) * TrigFlow.SIGMA_D));
            }
        }
        return Scalars.div(x0, TrigFlow.SIGMA_D);
    }
}
