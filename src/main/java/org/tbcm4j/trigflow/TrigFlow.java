package org.tbcm4j.trigflow;

import ai.djl.ndarray.NDArray;
import org.tbcm4j.nn.Scalars;
import org.tbcm4j.nn.Tensors;

/**
 * TrigFlow (Lu and Song, 2024): x_t = cos t·x₀ + sin t·z on t ∈ [0, π/2], z ~ N(0, σ_d²I). A network
 * F(x_t/σ_d, t) predicts the PF-ODE velocity dx_t/dt = σ_d·F. Times are per sample: t has shape [B]
 * and broadcasts over the other axes of x.
 */
public final class TrigFlow {
    /** Data standard deviation σ_d: latents are scaled to unit variance, then multiplied by σ_d. */
    public static final double SIGMA_D = 0.5;
    /** The pure-noise end of the time axis, as the official code writes it (π/2 rounded). */
    public static final double T_MAX = 1.5708;

    private TrigFlow() {}

    /** x_t = cos t·x₀ + sin t·z. */
    public static NDArray noise(NDArray x0, NDArray z, NDArray t) {
        NDArray tb = perSample(t, x0);
        return x0.mul(tb.cos()).add(z.mul(tb.sin()));
    }

    /** The consistency function / x₀ estimate f = cos t·x_t − sin t·σ_d·F. */
    public static NDArray x0Estimate(NDArray xt, NDArray f, NDArray t) {
        NDArray tb = perSample(t, xt);
        return xt.mul(tb.cos()).sub(f.mul(Scalars.mul(tb.sin(), SIGMA_D)));
    }

    /**
     * The first-order (DDIM) step t → s: x_s = cos(t−s)·x_t − sin(t−s)·σ_d·F(x_t/σ_d, t). Exact when F
     * is the velocity of a single (x₀, z) pair; s = 0 gives the x₀ estimate.
     */
    public static NDArray ddimStep(NDArray xt, NDArray f, NDArray t, NDArray s) {
        NDArray delta = perSample(t.sub(s), xt);
        return xt.mul(delta.cos()).sub(f.mul(Scalars.mul(delta.sin(), SIGMA_D)));
    }

    /** The TrigFlow training target for noise z and data x₀: F* = (cos t·z − sin t·x₀)/σ_d. */
    public static NDArray velocityTarget(NDArray x0, NDArray z, NDArray t) {
        NDArray tb = perSample(t, x0);
        return Scalars.div(z.mul(tb.cos()).sub(x0.mul(tb.sin())), SIGMA_D);
    }

    /**
     * sCM's log-normal time: σ = exp(mean + std·n) in EDM's terms, t = atan(σ/σ_d), for a standard normal
     * draw n (the data pairs' p(t), LADD's fakes and its discriminator's view, the logit-normal route).
     */
    public static double logNormalTime(double mean, double std, double n) {
        return Math.atan(Math.exp(mean + std * n) / SIGMA_D);
    }

    /** A [batch] array of one time value, in the manager and type of {@code like}. */
    public static NDArray constantTime(NDArray like, long batch, double t) {
        double[] values = new double[Math.toIntExact(batch)];
        java.util.Arrays.fill(values, t);
        return Tensors.like(like, values);
    }

    /** Reshapes per-sample [B] values to [B, 1, …, 1] so they broadcast against x. */
    public static NDArray perSample(NDArray t, NDArray like) {
        long[] shape = new long[like.getShape().dimension()];
        java.util.Arrays.fill(shape, 1);
        shape[0] = t.getShape().get(0);
        return t.reshape(shape);
    }
}
