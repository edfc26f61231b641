package org.tbcm4j.distill;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import org.tbcm4j.model.DiT;
import org.tbcm4j.model.Discriminator;
import org.tbcm4j.model.Student;
import org.tbcm4j.nn.Dual;
import org.tbcm4j.nn.NoGrad;
import org.tbcm4j.nn.Scalars;
import org.tbcm4j.nn.Tensors;
import org.tbcm4j.trigflow.TrigFlow;
import org.tbcm4j.util.Rng;

/**
 * LADD, the adversarial half of Sana-Sprint, as train_scm_ladd.py computes it (docs/method.md):
 * <pre>
 *   fake     t' ~ sCM's p(t), set to π/2 with probability p;  x' = cos t'·x₀ + sin t'·z'
 *            x̂₀ = cos t'·x' − sin t'·σ_d·F_θ(x'/σ_d, t')                     (the student's one step)
 *   D's view t_D = atan(exp(N(μ_D, σ_D²))/σ_d);  n(x) = cos t_D·x + sin t_D·z_D, fresh t_D and z_D per call
 *   G        L_adv = −mean D(n(x̂₀))                     (hinge)    mean softplus(−D(n(x̂₀)))          (cross-entropy)
 *   D        L_D = ½[mean relu(1 − D(n(x₀))) + mean relu(1 + D(n(x̂₀)))]    mean softplus(D(fake)) + mean softplus(−D(real))
 * </pre>
 * D(·) is the logit map of {@link Discriminator} (every head and token one logit; the means run
 * over all of them). In G the gradient reaches the student through the frozen teacher and the heads; in D
 * x̂₀ is made without gradient and only the heads learn. With misaligned pairs the discriminator's fakes
 * also hold the real latents under a class other than their own, drawn uniformly from the other C − 1.
 * (The official code rolls the batch by one sample under the unrolled classes, which with 10 classes leaves
 * about a tenth of those "fakes" correctly conditioned reals; with one class there is nothing to misalign.)
 */
public final class AdversarialLoss {
    private final DiT teacher;
    private final Discriminator discriminator;
    private final LaddConfig config;
    private final double pMean;
    private final double pStd;

    /** The generator's adversarial loss and the logits it came from (for logging). */
    public record GeneratorSide(NDArray loss, NDArray fakeLogits) {}

    /** The discriminator's loss, its logits on real and fake, and the teacher passes it took (samples). */
    public record DiscriminatorSide(NDArray loss, NDArray realLogits, NDArray fakeLogits, long teacherPasses) {}

    /** {@code pMean}, {@code pStd}: the sCM time distribution the fakes' t' is drawn from. */
    public AdversarialLoss(DiT teacher, Discriminator discriminator, LaddConfig config, double pMean, double pStd) {
        this.teacher = teacher;
        this.discriminator = discriminator;
        this.config = config;
        this.pMean = pMean;
        this.pStd = pStd;
    }

    /** L_adv for clean latents x₀ [B, ...] with their classes and guidance scales; call inside the collector. */
    public GeneratorSide generator(Student student, NDArray x0, NDArray classes, NDArray w, Rng rng) {
        View fake = view(oneStep(student, x0, classes, w, rng), rng);
        NDArray logits = discriminator.logits(teacher, fake.x(), fake.t(), classes, false);
        return new GeneratorSide(generatorLoss(logits, config.loss()), logits);
    }

    /** L_D for a batch of clean latents (the discriminator's own batch); call inside the heads' collector. */
    public DiscriminatorSide discriminator(Student student, NDArray x0, NDArray classes, NDArray w, Rng rng) {
        View fake = view(NoGrad.call(() -> oneStep(student, x0, classes, w, rng)), rng);
        NDArray fakeClasses = classes;
        int numClasses = teacher.config().numClasses();
        if (config.misaligned() && numClasses > 1) {
            View misaligned = view(x0, rng);
            NDArray other = Tensors.classIds(x0.getManager(), otherClasses(classes.toLongArray(), numClasses, rng));
            fake = new View(NDArrays.concat(new NDList(fake.x(), misaligned.x()), 0),
                    NDArrays.concat(new NDList(fake.t(), misaligned.t()), 0));
            fakeClasses = NDArrays.concat(new NDList(classes, other), 0);
        }
        View real = view(x0, rng);
        NDArray fakeLogits = discriminator.logits(teacher, fake.x(), fake.t(), fakeClasses, true);
        NDArray realLogits = discriminator.logits(teacher, real.x(), real.t(), classes, true);
        return new DiscriminatorSide(discriminatorLoss(realLogits, fakeLogits, config.loss()), realLogits, fakeLogits, size(fake.x()) + size(x0));
    }

    /** For each label, a class drawn uniformly from the other {@code numClasses − 1}. */
    static long[] otherClasses(long[] labels, int numClasses, Rng rng) {
        long[] out = new long[labels.length];
        for (int i = 0; i < labels.length; i++) {
            long shift = 1 + Math.min(numClasses - 2, (long) Math.floor(rng.uniform(0, 1) * (numClasses - 1)));
            out[i] = (labels[i] + shift) % numClasses;
        }
        return out;
    }

    /** The generator's loss from the logits of its fakes: −mean D (hinge) or mean softplus(−D) (cross-entropy). */
    static NDArray generatorLoss(NDArray fakeLogits, String kind) {
        return LaddConfig.HINGE.equals(kind) ? fakeLogits.mean().neg() : softplus(fakeLogits.neg()).mean();
    }

    /** The discriminator's loss: ½[mean relu(1 − real) + mean relu(1 + fake)] or mean softplus(fake) + mean softplus(−real). */
    static NDArray discriminatorLoss(NDArray realLogits, NDArray fakeLogits, String kind) {
        if (LaddConfig.HINGE.equals(kind)) {
            return Scalars.mul(relu(Scalars.add(realLogits.neg(), 1)).mean().add(relu(Scalars.add(fakeLogits, 1)).mean()),
                    0.5);
        }
        return softplus(fakeLogits).mean().add(softplus(realLogits.neg()).mean());
    }

    /** x̂₀ of the student's one step from x' = cos t'·x₀ + sin t'·z' (t' = π/2 with probability p). */
    private NDArray oneStep(Student student, NDArray x0, NDArray classes, NDArray w, Rng rng) {
        int n = size(x0);
        double[] t = new double[n];
        for (int i = 0; i < n; i++) {
            double drawn = TrigFlow.logNormalTime(pMean, pStd, rng.gaussian());
            t[i] = rng.uniform(0, 1) < config.largestTimestepProb() ? Math.PI / 2 : drawn;
        }
        NDArray tArr = Tensors.like(x0, t);
        NDArray xt = TrigFlow.noise(x0, gaussian(rng, x0), tArr);
        NDArray f = student.trigFlow(classes, w).predictAt(Dual.of(xt), Dual.of(tArr)).value();
        return TrigFlow.x0Estimate(xt, f, tArr);
    }

    /** A latent as the discriminator sees it: noised to a fresh t_D with fresh noise. */
    private record View(NDArray x, NDArray t) {}

    private View view(NDArray x, Rng rng) {
        NDArray t = dTimes(rng, size(x), x);
        return new View(TrigFlow.noise(x, gaussian(rng, x), t), t);
    }

    private NDArray dTimes(Rng rng, int n, NDArray like) {
        double[] t = new double[n];
        for (int i = 0; i < n; i++) {
            t[i] = TrigFlow.logNormalTime(config.tMean(), config.tStd(), rng.gaussian());
        }
        return Tensors.like(like, t);
    }

    private static NDArray gaussian(Rng rng, NDArray like) {
        NDManager m = like.getManager();
        return Tensors.normal(m, rng, like.getShape(), DataType.FLOAT32, TrigFlow.SIGMA_D);
    }

    private static NDArray relu(NDArray x) {
        return Scalars.maximum(x, 0);
    }

    /** log(1 + eˣ), computed as max(x, 0) + log(1 + e^(−|x|)) so that it never overflows. */
    static NDArray softplus(NDArray x) {
        return relu(x).add(Scalars.add(x.abs().neg().exp(), 1).log());
    }

    private static int size(NDArray x) {
        return Math.toIntExact(x.getShape().get(0));
    }
}
