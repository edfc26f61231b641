package org.tbcm4j.distill;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tbcm4j.model.Student;
import org.tbcm4j.nn.Module;
import org.tbcm4j.nn.NativeArrays;
import org.tbcm4j.nn.Scalars;
import org.tbcm4j.train.Adversary;
import org.tbcm4j.train.TrainingTask;
import org.tbcm4j.util.RunFailure;

/**
 * One distillation iteration: pairs from the method's source, then the sCM consistency loss on the student;
 * a method with a network of its own ({@link Auxiliary}, e.g. Sana-Sprint's discriminator) adds its term to
 * the student's loss and takes its own update after the student's (the loop's {@link Adversary}).
 */
public final class DistillTask implements TrainingTask {
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
    private final Auxiliary auxiliary;

    public DistillTask(Student student, PairSource source, LossSettings settings, List<String> evaluationNames,
            Evaluator evaluator) {
        this(student, source, settings, evaluationNames, evaluator, null);
    }

    /** With {@code auxiliary} non-null, the method's own network trains beside the student. */
    public DistillTask(Student student, PairSource source, LossSettings settings, List<String> evaluationNames,
            Evaluator evaluator, Auxiliary auxiliary) {
        this.student = student;
        this.source = source;
        this.settings = settings;
        this.evaluationNames = List.copyOf(evaluationNames);
        this.evaluator = evaluator;
        this.auxiliary = auxiliary;
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
        if (auxiliary != null) {
            names.addAll(auxiliary.metricNames());
        }
        return names;
    }

    @Override
    public Adversary adversary() {
        return auxiliary;
    }

    @Override
    public StepLoss loss(long step, NDManager manager) {
        PairBatch pairs = source.next(step, manager);
        requireFinite(pairs, step);
        double r = settings.r(step);
        ConsistencyLoss.Result result = ConsistencyLoss.compute(student, pairs, r, settings.normConstant());
        NDArray like = result.loss();
        Map<String, NDArray> metrics = new LinkedHashMap<>();
        NDArray loss = auxiliary == null ? result.loss() : withAuxiliary(step, pairs, result.loss(), metrics);
        metrics.put("loss", loss);
        metrics.put("loss_without_logvar", result.lossWithoutLogvar());
        metrics.put("g_norm", result.tangentNorm());
        metrics.put("r", NativeArrays.scalar(like, r));
        metrics.put("dropped_prompts", NativeArrays.scalar(like, pairs.dropped()));
        long auxiliaryEvaluations = auxiliary == null ? 0 : auxiliary.teacherEvaluations(step);
        metrics.put("teacher_evaluations_per_pair",
                NativeArrays.scalar(like, (double) (pairs.teacherEvaluations() + auxiliaryEvaluations) / pairs.size()));
        return new StepLoss(loss, metrics);
    }

    /** consistency_weight·sCM + weight(step)·term, the term computed only where its weight is not 0. */
    private NDArray withAuxiliary(long step, PairBatch pairs, NDArray consistency, Map<String, NDArray> metrics) {
        NDArray loss = Scalars.mul(consistency, auxiliary.consistencyWeight());
        double weight = auxiliary.termWeight(step);
        return weight == 0 ? loss
                : loss.add(Scalars.mul(auxiliary.studentTerm(step, student, pairs, consistency, metrics), weight));
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

    @Override
    public List<String> evaluationNames() {
        return evaluationNames;
    }

    @Override
    public Map<String, Double> evaluate(long step, Module weights, NDManager manager) {
        return evaluator == null ? Map.of() : evaluator.evaluate(step, (Student) weights, manager);
    }
}
