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
 * steps 6–10). With F⁻ and J the student's value and JVP at (x_t/σ_d, t) along (cos t·sin t·v/σ_d,
 * cos t·sin t), taken without gradient:
 * g = −cos²t·(σ_d·F⁻ − v) − r·(sin t·cos t·x_t + σ_d·J), normalised per sample to g/(‖g‖₂ + c);
 * then, with F and logvar from an ordinary forward pass,
 * ℓ = e^(−logvar)·(F − F⁻ − g)²/(σ_d·tan t) + logvar, masked, and averaged over all elements (masked
 * ones stay in the denominator). At the current weights F − F⁻ = 0, so the gradient pushes F along g.
 */
public final class ConsistencyLoss {
    /** The loss to backpropagate and detached figures to log. */
    public record Result(NDArray loss, NDArray lossWithoutLogvar, NDArray tangentNorm) {}

    private ConsistencyLoss() {}

    /** Call inside a GradientCollector; the JVP itself runs with grad mode off. */
    public static Result compute(Student student, PairBatch p, double r, double c) {
        double s = TrigFlow.SIGMA_D;
        NDArray tb = TrigFlow.perSample(p.t(), p.xt());
        NDArray cos = tb.cos();
        NDArray sin = tb.sin();
        NDArray xIn = Scalars.div(p.xt(), s);
        TrigFlowModel f = student.trigFlow(p.classes(), p.guidance());
        // Step 6: F⁻ and J = sin t·cos t·dF/dt along the teacher's ODE, as a stop-gradient target.
        NDArray dxIn = Scalars.div(p.v().mul(cos).mul(sin), s);
        NDArray dt = p.t().cos().mul(p.t().sin());
        Dual jvp = NoGrad.call(() -> f.predict(Dual.of(xIn, dxIn), Dual.of(p.t(), dt)));
        NDArray fMinus = jvp.value();
        NDArray j = jvp.tangent();
        // Step 8: the target direction; step 9: tangent normalisation over each sample's C·H·W values.
        NDArray g = NoGrad.call(() -> {
            NDArray first = cos.square().mul(Scalars.mul(fMinus, s).sub(p.v())).neg();
            NDArray second = Scalars.mul(sin.mul(cos).mul(p.xt()).add(Scalars.mul(j, s)), r);
            return first.sub(second);
        });
        NDArray gNorm = NoGrad.call(() -> g.square().reshape(p.size(), -1).sum(new int[] {1}).sqrt());
        NDArray gUnit = NoGrad.call(() -> g.div(Scalars.add(TrigFlow.perSample(gNorm, g), c)));
        // Step 10: an ordinary forward pass with autograd, and the weighted, masked mean.
        NDArray fTheta = f.predict(Dual.of(xIn), Dual.of(p.t())).value();
        NDArray logvar = TrigFlow.perSample(student.logvar(p.t(), p.guidance()), fTheta);
        NDArray weight = Scalars.pow(Scalars.mul(tb.tan(), s), -1.0);
        NDArray squared = fTheta.sub(fMinus).sub(gUnit).square();
        NDArray mask = TrigFlow.perSample(p.mask(), fTheta);
        NDArray perElement = weight.mul(logvar.neg().exp()).mul(squared).add(logvar);
        NDArray loss = perElement.mul(mask).mean();
        NDArray plain = NoGrad.call(() -> weight.mul(squared).mul(mask).mean());
        return new Result(loss, plain, NoGrad.call(gNorm::mean));
    }
}
