package org.tbcm4j.trigflow;

import ai.djl.ndarray.NDArray;
import org.tbcm4j.nn.Arith;
import org.tbcm4j.nn.Dual;

/**
 * A TrigFlow network F(x_t/σ_d, t) for TrigFlow time t [B], with its preconditioning: callers work in
 * data scale (x = σ_d times unit-variance latents) through {@link #velocity} and {@link #x0}, as EDM's
 * preconditioned denoiser owns c_in and c_out. Conditioning is bound by whoever builds the model.
 */
@FunctionalInterface
public interface TrigFlowModel {
    /** The raw network output F at network input x/σ_d (tangents carried). */
    Dual predict(Dual xOverSigma, Dual t);

    /** F(x/σ_d, t) for x in data scale; a tangent of x is scaled with it (exactly: σ_d is a power of 2). */
    default Dual predictAt(Dual x, Dual t) {
        return predict(Arith.scale(x, 1 / TrigFlow.SIGMA_D), t);
    }

    /** The PF-ODE velocity dx/dt = σ_d·F(x/σ_d, t) at data-scale x. */
    default NDArray velocity(NDArray x, NDArray t) {
        return Arith.scale(predictAt(Dual.of(x), Dual.of(t)), TrigFlow.SIGMA_D).value();
    }

    /** The x₀ estimate, i.e. the consistency function f = cos t·x − sin t·σ_d·F(x/σ_d, t). */
    default NDArray x0(NDArray x, NDArray t) {
        return TrigFlow.x0Estimate(x, predictAt(Dual.of(x), Dual.of(t)).value(), t);
    }
}
