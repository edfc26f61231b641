package org.tbcm4j.trigflow;

import ai.djl.ndarray.NDArray;
import java.util.Locale;
import org.tbcm4j.nn.Dual;
import org.tbcm4j.nn.Scalars;

/**
 * Solvers of the TrigFlow PF-ODE dx/dt = σ_d·F(x/σ_d, t) from t = π/2 to 0, one model evaluation per
 * step (classifier-free guidance, if any, is inside the model).
 */
public enum OdeSampler {
    /**
     * First-order (DDIM) steps x ← cos(t−s)·x − sin(t−s)·σ_d·F, the step TBCM's rollout takes; exact for a
     * single (x₀, z) pair.
     */
    FIRST_ORDER,
    /**
     * DPM-Solver++(2M) in data prediction with α = cos t, σ = sin t, λ = log(α/σ): second order from the
     * second step on, first order on the final step to t = 0 (where λ is infinite).
     */
    DPM_SOLVER_2M;

    public static OdeSampler parse(String name) {
        switch (name.toLowerCase(Locale.ROOT).replace('-', '_')) {
            case "euler", "ddim", "first_order", "first-order":
                return FIRST_ORDER;
            case "dpm2m", "dpm_solver_2m", "dpmpp2m", "dpm++2m":
                return DPM_SOLVER_2M;
            default:
                throw new IllegalArgumentException("unknown sampler '" + name + "' (use first-order or dpm2m)");
        }
    }

    /**
     * Integrates from {@code x} (already σ_d-scaled noise at times[0]) along {@code times}, decreasing to
     * 0, and returns x at the end (data scale, i.e. σ_d·latent).
     */
    public NDArray sample(TrigFlowModel model, NDArray x, double[] times) {
        long batch = x.getShape().get(0);
        NDArray previousX0 = null;
        double previousH = Double.NaN;
        for (int i = 0; i + 1 < times.length; i++) {
            double t = times[i];
            double s = times[i + 1];
            NDArray tArr = TrigFlow.constantTime(x, batch, t);
            NDArray f = model.predictAt(Dual.of(x), Dual.of(tArr)).value();
            if (this == FIRST_ORDER || s == 0.0) {
                x = TrigFlow.ddimStep(x, f, tArr, TrigFlow.constantTime(x, batch, s));
                continue;
            }
            NDArray x0 = TrigFlow.x0Estimate(x, f, tArr);
            double h = lambda(s) - lambda(t);
            NDArray d = x0;
            if (previousX0 != null) {
                double k = 1.0 / (2.0 * previousH / h);
                d = Scalars.mul(x0, 1 + k).sub(Scalars.mul(previousX0, k));
            }
            // x_s = (σ_s/σ_t)·x − α_s·(e^(−h) − 1)·D
            x = Scalars.mul(x, Math.sin(s) / Math.sin(t)).sub(Scalars.mul(d, Math.cos(s) * (Math.exp(-h) - 1)));
            previousX0 = x0;
            previousH = h;
        }
        return x;
    }

    /** λ = log(cos t / sin t); at t = π/2 in double, cos t ≈ 6e-17, so λ stays finite (about −37). */
    private static double lambda(double t) {
        return Math.log(Math.cos(t) / Math.sin(t));
    }
}
