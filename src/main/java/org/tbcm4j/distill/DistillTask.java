package org.tbcm4j.distill;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tbcm4j.model.Discriminator;
import org.tbcm4j.model.Student;
import org.tbcm4j.nn.Module;
import org.tbcm4j.nn.NativeArrays;
import org.tbcm4j.nn.NoGrad;
import org.tbcm4j.nn.OptimizerConfig;
import org.tbcm4j.nn.Scalars;
import org.tbcm4j.train.Adversary;
import org.tbcm4j.train.TrainingTask;
import org.tbcm4j.util.Rng;
import org.tbcm4j.util.RunFailure;

/**
 * One distillation iteration: pairs from the source, then the sCM consistency loss on the student; with
 * LADD (Sana-Sprint), the student's loss is scm_lambda·sCM + adv_lambda·L_adv and the discriminator's
 * heads take one update of their own on the next real batch (the loop's {@link Adversary}).
 */
public final class DistillTask implements TrainingTask {
    /**
     * What LADD adds: its loss, the discriminator's heads and their optimizer, the real batches, the run's
     * seed (for the adversarial draws) and the config.
     */
    public record Ladd(AdversarialLoss loss, Discriminator discriminator, OptimizerConfig optimizer, DataPairs data,
            LaddConfig config, long seed) {}

    private static final List<String> LADD_METRICS = List.of("adversarial_loss", "discriminator_loss",
            "discriminator_real_logit", "discriminator_fake_logit", "discriminator_passes_per_pair");

    /** Measures the student's samples along distillation; may be absent. */
    @FunctionalInterface
    public interface Evaluator {
        Map<String, Double> evaluate(long step, Student weights, NDManager manager);
    }

    private final Student student;
    private final PairSource source;
    private final LossSettings settings;
    private final List<String> evaluationNames;
    private final Evaluator evaluator;
    private final Ladd ladd;
    private final Adversary adversary;

    public DistillTask(Student student, PairSource source, LossSettings settings, List<String> evaluationNames,
            Evaluator evaluator) {
        this(student, source, settings, evaluationNames, evaluator, null);
    }

    /** With {@code ladd} non-null, Sana-Sprint's adversarial training beside sCM. */
    public DistillTask(Student student, PairSource source, LossSettings settings, List<String> evaluationNames,
            Evaluator evaluator, Ladd ladd) {
        this.ladd = ladd;
        this.adversary = ladd == null ? null : new DiscriminatorUpdate();
        this.student = student;
        this.source = source;
        this.settings = settings;
        this.evaluationNames = List.copyOf(evaluationNames);
        this.evaluator = evaluator;
    }

    @Override
    public String unit() {
        return "pairs";
    }

    @Override
    public int examplesPerStep() {
        return source.pairsPerIteration();
    }

    @Override
    public List<String> metricNames() {
        List<String> names = new ArrayList<>(List.of("loss", "loss_without_logvar", "g_norm", "r", "dropped_prompts",
                "teacher_evaluations_per_pair"));
        if (ladd != null) {
            names.addAll(LADD_METRICS);
        }
        return names;
    }

    @Override
    public Adversary adversary() {
        return adversary;
    }

    @Override
    public StepLoss loss(long step, NDManager manager) {
        PairBatch pairs = source.next(step, manager);
        requireFinite(pairs, step);
        double r = settings.r(step);
        ConsistencyLoss.Result result = ConsistencyLoss.compute(student, pairs, r, settings.normConstant());
        NDArray like = result.loss();
        NDArray loss = result.loss();
        Map<String, NDArray> metrics = new LinkedHashMap<>();
        if (ladd != null) {
            AdversarialLoss.GeneratorSide adversarial = ladd.loss().generator(student, pairs.x0(), pairs.classes(),
                    pairs.guidance(), Rng.of(ladd.seed(), "ladd-generator", step));
            loss = Scalars.mul(loss, ladd.config().scmLambda())
                    .add(Scalars.mul(adversarial.loss(), ladd.config().advLambda()));
            metrics.put("adversarial_loss", adversarial.loss());
        }
        metrics.put("loss", loss);
        metrics.put("loss_without_logvar", result.lossWithoutLogvar());
        metrics.put("g_norm", result.tangentNorm());
        metrics.put("r", NativeArrays.scalar(like, r));
        metrics.put("dropped_prompts", NativeArrays.scalar(like, pairs.dropped()));
        metrics.put("teacher_evaluations_per_pair",
                NativeArrays.scalar(like, (double) pairs.teacherEvaluations() / pairs.size()));
        return new StepLoss(loss, metrics);
    }

    /**
     * A teacher whose weights are finite can still overflow (weights scaled far out of range); its pairs
     * would turn the student into NaN with every update skipped, so the run stops at the first one.
     */
    private void requireFinite(PairBatch pairs, long step) {
        long bad = NativeArrays.nonFiniteCount(pairs.v()) + NativeArrays.nonFiniteCount(pairs.xt());
        if (bad > 0) {
            throw new RunFailure("step " + step + ": the teacher's " + source.name() + " pairs hold " + bad
                    + " non-finite values (NaN or ±inf); the teacher overflows on its own inputs, so check its file "
                    + "(e.g. tbcm sample with it) before distilling from it");
        }
    }

    /** LADD's discriminator update: the heads' hinge (or cross-entropy) loss on the iteration's second real batch. */
    private final class DiscriminatorUpdate implements Adversary {
        @Override
        public Module model() {
            return ladd.discriminator();
        }

        @Override
        public OptimizerConfig optimizer() {
            return ladd.optimizer();
        }

        @Override
        public StepLoss loss(long step, NDManager manager) {
            DataPairs.Clean batch = ladd.data().clean(step, 1, manager);
            AdversarialLoss.DiscriminatorSide d = ladd.loss().discriminator(student, batch.x0(), batch.classes(),
                    batch.guidance(), Rng.of(ladd.seed(), "ladd-discriminator", step));
            int pairs = source.pairsPerIteration();
            Map<String, NDArray> metrics = new LinkedHashMap<>();
            metrics.put("discriminator_loss", d.loss());
            metrics.put("discriminator_real_logit", NoGrad.call(() -> d.realLogits().mean()));
            metrics.put("discriminator_fake_logit", NoGrad.call(() -> d.fakeLogits().mean()));
            // the generator's fakes (one per pair) and the discriminator's own passes
            metrics.put("discriminator_passes_per_pair",
                    NativeArrays.scalar(d.loss(), (double) (pairs + d.teacherPasses()) / pairs));
            return new StepLoss(d.loss(), metrics);
        }
    }

    @Override
    public List<String> evaluationNames() {
        return evaluationNames;
    }

    @Override
    public Map<String, Double> evaluate(long step, Module weights, NDManager manager) {
        return evaluator == null ? Map.of() : evaluator.evaluate(step, (Student) weights, manager);
    }
}
