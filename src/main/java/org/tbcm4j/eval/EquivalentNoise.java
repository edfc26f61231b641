package org.tbcm4j.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import org.tbcm4j.nn.Scalars;
import org.tbcm4j.trigflow.TrigFlow;

/**
 * The "equivalent noise" of a point x_t on a path that ends at x̂₀: ẑ = (x_t − cos t·x̂₀)/sin t. On a
 * diffusion (forward-process) path ẑ is the added noise itself, N(0, σ_d²I) and independent of x̂₀; on a
 * teacher's generation trajectory it need not be. These statistics measure that difference, the
 * train–inference gap that TBCM's generation-space pairs are meant to close.
 */
public final class EquivalentNoise {
    private EquivalentNoise() {}

    /** ẑ for points xt [B, …] at times t [B] on paths ending at x0 [B, …] (t must be above 0). */
    public static NDArray of(NDArray xt, NDArray t, NDArray x0) {
        NDArray tb = TrigFlow.perSample(t, xt);
        return xt.sub(x0.mul(tb.cos())).div(tb.sin());
    }

    /** Per sample ‖a‖/(σ_d·√D): 1 on average for σ_d-scaled Gaussian noise. */
    public static double[] normRatio(NDArray a) {
        long b = a.getShape().get(0);
        long d = a.size() / b;
        return toDoubles(Scalars.div(a.square().reshape(b, -1).sum(new int[] {1}).sqrt(), TrigFlow.SIGMA_D * Math.sqrt(d)));
    }

    /** Per sample cosine similarity of a and b. */
    public static double[] cosine(NDArray a, NDArray b) {
        long n = a.getShape().get(0);
        NDArray fa = a.reshape(n, -1);
        NDArray fb = b.reshape(n, -1);
        NDArray dot = fa.mul(fb).sum(new int[] {1});
        NDArray norms = fa.square().sum(new int[] {1}).sqrt().mul(fb.square().sum(new int[] {1}).sqrt());
        return toDoubles(dot.div(norms));
    }

    /** Per sample mean squared difference of data-scale arrays, in unit-variance latent units (divided by σ_d²). */
    public static double[] meanSquaredError(NDArray a, NDArray b) {
        long n = a.getShape().get(0);
        return toDoubles(Scalars.div(a.sub(b).square().reshape(n, -1).mean(new int[] {1}),
                TrigFlow.SIGMA_D * TrigFlow.SIGMA_D));
    }

    private static double[] toDoubles(NDArray a) {
        return a.toType(DataType.FLOAT64, false).toDoubleArray();
    }
}
