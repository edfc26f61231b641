package org.tbcm4j.distill;

import ai.djl.ndarray.NDArray;
import org.tbcm4j.model.Student;
import org.tbcm4j.nn.Dual;
import org.tbcm4j.nn.NoGrad;
import org.tbcm4j.nn.Scalars;
import org.tbcm4j.trigflow.TrigFlow;
import org.tbcm4j.trigflow.TrigFlowModel;

/**
 * The continuous-time consistency loss of sCM as TBCM's train_tbcm.py computes it (tbcm-method.md §2.2
 * steps 6–10), for pairs (x_t, t, v) with v = dx_t/dt the teacher's guided velocity:
 * <pre>
 *   F⁻, J = F and its JVP at (x_t/σ_d, t) along (cos t·sin t·v/σ_d, cos t·sin t)    (no gradient)
 *   g     = −cos²t·(σ_d·F⁻ − v) − r·(sin t·cos t·x_t + σ_d·J),   ĝ = g/(‖g‖₂ + c) per sample
 *   ℓ     = e^(−logvar)·(F − F⁻ − ĝ)²/(σ_d·tan t) + logvar,   masked, mean over all elements
 * </pre>
 * Masked pairs stay in the mean's denominator. At the current weights F − F⁻ = 0, so the gradient
 * pushes F along ĝ. F and J come from one pass: its value path is recorded for backward and its tangent
 * path runs without a graph (every tangent rule does), so F⁻ is F detached, with no second forward.
 */
public final class ConsistencyLoss {
    /** The loss to backpropagate and detached figures to log. */
    public record Result(NDArray loss, NDArray lossWithoutLogvar, NDArray tangentNorm) {}

    /** The stop-gradient part: the normalised direction ĝ and ‖g‖ per sample. */
    private record Target(NDArray direction, NDArray gNorm) {}

    private ConsistencyLoss() {}

    /** Call inside a GradientCollector: the gradient reaches the student through F only. */
    public static Result compute(Student student, PairBatch p, double r, double c) {
        TrigFlowModel f = student.trigFlow(p.classes(), p.guidance());
        NDArray tb = TrigFlow.perSample(p.t(), p.xt());
        NDArray cos = tb.cos();
        NDArray sin = tb.sin();
        // Step 6: F, and J = sin t·cos t·dF/dt along the teacher's ODE, from one pass.
        NDArray dt = p.t().cos().mul(p.t().sin());
        Dual fAndJ = f.predictAt(Dual.of(p.xt(), p.v().mul(cos).mul(sin)), Dual.of(p.t(), dt));
        NDArray fTheta = fAndJ.value();
        NDArray fMinus = fTheta.stopGradient();
        Target target = NoGrad.call(() -> target(p, fMinus, fAndJ.tangent(), cos, sin, r, c));
        // Step 10.
        NDArray weight = Scalars.pow(Scalars.mul(tb.tan(), TrigFlow.SIGMA_D), -1.0);
        NDArray logvar = TrigFlow.perSample(student.logvar(p.t(), p.guidance()), fTheta);
        NDArray mask = TrigFlow.perSample(p.mask(), fTheta);
        NDArray squared = fTheta.sub(fMinus).sub(target.direction()).square();
        NDArray loss = weight.mul(logvar.neg().exp()).mul(squared).add(logvar).mul(mask).mean();
        NDArray plain = NoGrad.call(() -> weight.mul(squared).mul(mask).mean());
        return new Result(loss, plain, NoGrad.call(() -> target.gNorm().mean()));
    }

    /** Steps 8 and 9: g from F⁻ and J, then ĝ = g/(‖g‖ + c). */
    private static Target target(PairBatch p, NDArray fMinus, NDArray j, NDArray cos, NDArray sin, double r, double c) {
        double s = TrigFlow.SIGMA_D;
        NDArray g = cos.square().mul(Scalars.mul(fMinus, s).sub(p.v())).neg()
                .sub(Scalars.mul(sin.mul(cos).mul(p.xt()).add(Scalars.mul(j, s)), r));
        NDArray gNorm = g.square().reshape(p.size(), -1).sum(new int[] {1}).sqrt();
        return new Target(g.div(Scalars.add(TrigFlow.perSample(gNorm, g), c)), gNorm);
    }
}
