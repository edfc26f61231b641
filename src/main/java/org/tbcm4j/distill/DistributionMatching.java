package org.tbcm4j.distill;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.tbcm4j.model.DiT;
import org.tbcm4j.model.Guidance;
import org.tbcm4j.model.GuidanceScales;
import org.tbcm4j.model.Student;
import org.tbcm4j.nn.Dual;
import org.tbcm4j.nn.NoGrad;
import org.tbcm4j.nn.Scalars;
import org.tbcm4j.nn.Tensors;
import org.tbcm4j.trigflow.TrigFlow;
import org.tbcm4j.util.Rng;

/**
 * DMD's reverse-divergence term as rCM adds it to sCM (NVlabs/rcm, t2v_model_distill_rcm.py), with no data:
 * <pre>
 *   sample   c ~ U{classes}, w ~ guidance_scales, z ~ N(0, σ_d²I);  x̂ = f_θ(z, π/2; c, w)      (the student's one step)
 *   noise    u ~ U(0, 1), s = k·u/(1 + (k − 1)·u), t = atan(s/(1 − s)), n ~ N(0, σ_d²I);  x_t = cos t·x̂ + sin t·n
 *   scores   x_real = the teacher's x₀ estimate at (x_t, t; c) with CFG at w;  x_fake = f_ψ(x_t, t; c, w)   (no gradient)
 *   student  ∇ = (x_fake − x_real)/mean|x̂ − x_real|   (mean per sample, at least 1e-5)
 *            L_DMD = mean over samples and elements of (x̂ − sg(x̂ − ∇))²,   so dL/dx̂ = 2∇/(number of elements)
 *   fake     L_ψ = mean (F_ψ(x_t/σ_d, t; c, w) − (cos t·n − sin t·x̂)/σ_d)²,   x̂ made without gradient
 * </pre>
 * The fake score ψ is a {@link Student} (the teacher's backbone plus a guidance input) trained to denoise
 * the student's own samples: where the student's distribution at (c, w) matches the teacher's guided one,
 * x_fake = x_real and the term vanishes. rCM conditions its fake score on the text alone; ours also takes w,
 * since our student's samples depend on w. rCM sums over elements per sample; ours is a mean, like sCM's.
 */
public final class DistributionMatching {
    /** Below this, a sample's mean |x̂ − x_real| no longer scales ∇ (rCM's clip). */
    static final double MIN_NORMALISER = 1e-5;

    private final DiT teacher;
    private final DmdConfig config;
    private final GuidanceScales guidanceScales;
    private final long[] latentShape;

    /** One draw's conditions and noises: classes, guidance scales, z at π/2, re-noising times and noise. */
    public record Draw(NDArray classes, NDArray w, NDArray z, NDArray t, NDArray n) {}

    /** The student's term, with what it came from (for tests and logs). */
    public record StudentSide(NDArray loss, Draw draw, NDArray sample, NDArray noised, NDArray real, NDArray fake,
            NDArray direction) {}

    /** The fake score's denoising loss, with what it came from. */
    public record FakeSide(NDArray loss, Draw draw, NDArray sample) {}

    public DistributionMatching(DiT teacher, DmdConfig config, GuidanceScales guidanceScales) {
        this.teacher = teacher;
        this.config = config;
        this.guidanceScales = guidanceScales;
        this.latentShape = new long[] {teacher.config().channels(), teacher.config().imageSize(),
            teacher.config().imageSize()};
    }

    /** L_DMD for the student; call inside the student's collector (the gradient reaches θ through x̂ only). */
    public StudentSide student(Student student, Student fake, Rng rng, NDManager m) {
        Draw d = draw(rng, m);
        NDArray sample = oneStep(student, d);
        NDArray noised = TrigFlow.noise(sample, d.n(), d.t());
        NDArray real = NoGrad.call(() -> Guidance.trigFlow(teacher, d.classes(), d.w()).x0(noised, d.t()));
        NDArray fakeX0 = NoGrad.call(() -> fake.trigFlow(d.classes(), d.w()).x0(noised, d.t()));
        NDArray direction = NoGrad.call(() -> direction(sample.stopGradient(), real, fakeX0));
        NDArray target = NoGrad.call(() -> sample.stopGradient().sub(direction));
        NDArray loss = sample.sub(target).square().mean();
        return new StudentSide(loss, d, sample, noised, real, fakeX0, direction);
    }

    /** L_ψ for the fake score on fresh student samples; call inside the fake score's collector. */
    public FakeSide fake(Student student, Student fake, Rng rng, NDManager m) {
        Draw d = draw(rng, m);
        NDArray sample = NoGrad.call(() -> oneStep(student, d));
        NDArray noised = TrigFlow.noise(sample, d.n(), d.t());
        NDArray f = fake.trigFlow(d.classes(), d.w()).predictAt(Dual.of(noised), Dual.of(d.t())).value();
        NDArray target = TrigFlow.velocityTarget(sample, d.n(), d.t());
        return new FakeSide(f.sub(target).square().mean(), d, sample);
    }

    /** ∇ = (x_fake − x_real)/max(mean|x̂ − x_real|, 1e-5), the mean per sample. */
    static NDArray direction(NDArray sample, NDArray real, NDArray fake) {
        long n = sample.getShape().get(0);
        NDArray normaliser = Scalars.maximum(sample.sub(real).abs().reshape(n, -1).mean(new int[] {1}), MIN_NORMALISER);
        return fake.sub(real).div(TrigFlow.perSample(normaliser, fake));
    }

    /** The re-noising time for uniform u: s = k·u/(1 + (k − 1)·u), t = atan(s/(1 − s)). */
    static double time(double u, double shift) {
        double s = shift * u / (1 + (shift - 1) * u);
        return Math.atan2(s, 1 - s);
    }

    private NDArray oneStep(Student student, Draw d) {
        NDArray start = TrigFlow.constantTime(d.z(), d.z().getShape().get(0), TrigFlow.T_MAX);
        NDArray f = student.trigFlow(d.classes(), d.w()).predictAt(Dual.of(d.z()), Dual.of(start)).value();
        return TrigFlow.x0Estimate(d.z(), f, start);
    }

    private Draw draw(Rng rng, NDManager m) {
        int b = config.samplesPerIteration();
        long[] classes = new long[b];
        double[] w = new double[b];
        double[] t = new double[b];
        for (int i = 0; i < b; i++) {
            classes[i] = rng.nextInt(teacher.config().numClasses());
            w[i] = guidanceScales.draw(rng);
            t[i] = time(rng.uniform(0, 1), config.timestepShift());
        }
        Shape shape = new Shape(b, latentShape[0], latentShape[1], latentShape[2]);
        NDArray z = Tensors.normal(m, rng, shape, DataType.FLOAT32, TrigFlow.SIGMA_D);
        NDArray n = Tensors.normal(m, rng, shape, DataType.FLOAT32, TrigFlow.SIGMA_D);
        return new Draw(Tensors.classIds(m, classes), Tensors.float32(m, w), z, Tensors.float32(m, t), n);
    }
}
