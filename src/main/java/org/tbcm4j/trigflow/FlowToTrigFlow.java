package org.tbcm4j.trigflow;

import org.tbcm4j.nn.Arith;
import org.tbcm4j.nn.Dual;
import org.tbcm4j.nn.ShapeOps;

/**
 * Sana-Sprint's exact, training-free conversion of a flow model into a TrigFlow model. For TrigFlow
 * time t: τ = sin t/(sin t + cos t), k = 1/(sin t + cos t); the flow network sees x^fl = k·x_t/σ_d at
 * time τ, and F = [(1−2τ)·x^fl + (1−2τ+2τ²)·v]/k. Exact because cos t = (1−τ)/k and sin t = τ/k make
 * F = cos t·ε − sin t·y. Written in (value, tangent) ops so a JVP in (x, t) passes through it.
 */
public final class FlowToTrigFlow {
    private FlowToTrigFlow() {}

    public static TrigFlowModel wrap(FlowModel flow) {
        return (xOverSigma, t) -> {
            Dual sinT = Arith.sin(t);
            Dual sum = Arith.add(sinT, Arith.cos(t));
            Dual tau = Arith.div(sinT, sum);
            Dual k = Arith.reciprocal(sum);
            Dual xFlow = Arith.mul(xOverSigma, perSample(k, xOverSigma));
            Dual v = flow.velocity(xFlow, tau);
            Dual oneMinus2Tau = Arith.addScalar(Arith.scale(tau, -2), 1);
            Dual velocityWeight = Arith.add(oneMinus2Tau, Arith.scale(Arith.square(tau), 2));
            Dual numerator = Arith.add(
                    Arith.mul(xFlow, perSample(oneMinus2Tau, xFlow)), Arith.mul(v, perSample(velocityWeight, v)));
            return Arith.div(numerator, perSample(k, numerator));
        };
    }

    /** What the flow network sees for a data-scale TrigFlow point: x^fl = x/(σ_d·(sin t + cos t)) at τ. */
    public record FlowInput(ai.djl.ndarray.NDArray x, ai.djl.ndarray.NDArray tau) {}

    /** The flow network's input for data-scale x [B, ...] at TrigFlow times t [B] (no tangents). */
    public static FlowInput flowInput(ai.djl.ndarray.NDArray x, ai.djl.ndarray.NDArray t) {
        ai.djl.ndarray.NDArray sum = t.sin().add(t.cos());
        ai.djl.ndarray.NDArray k = TrigFlow.perSample(sum, x);
        return new FlowInput(org.tbcm4j.nn.Scalars.mul(x.div(k), 1 / TrigFlow.SIGMA_D), flowTime(t));
    }

    /** Flow time of a TrigFlow time: τ = sin t/(sin t + cos t). */
    public static double flowTime(double t) {
        return Math.sin(t) / (Math.sin(t) + Math.cos(t));
    }

    /** Flow times of TrigFlow times [B], elementwise. */
    public static ai.djl.ndarray.NDArray flowTime(ai.djl.ndarray.NDArray t) {
        ai.djl.ndarray.NDArray sin = t.sin();
        return sin.div(sin.add(t.cos()));
    }

    /** TrigFlow time of a flow time: t = atan(τ/(1−τ)) (π/2 at τ = 1). */
    public static double trigFlowTime(double tau) {
        return Math.atan2(tau, 1 - tau);
    }

    private static Dual perSample(Dual s, Dual like) {
        long[] shape = new long[like.shape().dimension()];
        java.util.Arrays.fill(shape, 1);
        shape[0] = s.shape().get(0);
        return ShapeOps.reshape(s, shape);
    }
}
