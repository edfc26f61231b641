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
import org.tbcm4j.train.Phases;
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
            // what each term of the student's loss adds to its gradient (the loop's grad_norm_<term>)
            names.addAll(List.of("grad_norm_" + CONSISTENCY_TERM, "grad_norm_" + AUXILIARY_TERM));
        }
        return names;
    }

    @Override
    public Adversary adversary() {
        return auxiliary;
    }

    /** bench iteration's names for the iteration's parts that are a distillation's own. */
    public static final String PAIRS = "pairs";
    public static final String STUDENT_PASS = "student pass: F recorded, JVP J without graph (sCM loss)";

    @Override
    public StepLoss loss(long step, NDManager manager) {
        return loss(step, manager, Phases.NONE);
    }

    @Override
    public StepLoss loss(long step, NDManager manager, Phases phases) {
        PairBatch pairs = phases.run(PAIRS, () -> source.next(step, manager, phases));
        requireFinite(pairs, step);
        double r = settings.r(step);
        ConsistencyLoss.Result result = phases.run(STUDENT_PASS,
                () -> ConsistencyLoss.compute(student, pairs, r, settings.normConstant()));
        Map<String, NDArray> metrics = new LinkedHashMap<>();
        Map<String, NDArray> terms = new LinkedHashMap<>();
        NDArray loss = auxiliary == null ? result.loss()
                : withAuxiliary(step, pairs, result.loss(), metrics, terms, phases);
        metrics.put("loss", loss);
        metrics.put("loss_without_logvar", result.lossWithoutLogvar());
        metrics.put("g_norm", result.tangentNorm());
        Map<String, Double> values = new LinkedHashMap<>();
        values.put("r", r);
        values.put("dropped_prompts", (double) pairs.dropped());
        long auxiliaryEvaluations = auxiliary == null ? 0 : auxiliary.teacherEvaluations(step);
        values.put("teacher_evaluations_per_pair",
                (double) (pairs.teacherEvaluations() + auxiliaryEvaluations) / pairs.size());
        return new StepLoss(loss, metrics, values, terms);
    }

    /** The names of the student loss's two terms, for their gradient norms. */
    public static final String CONSISTENCY_TERM = "consistency";
    public static final String AUXILIARY_TERM = "auxiliary";

    /**
     * consistency_weight·sCM + weight(step)·term, the term computed only where its weight is not 0; the two
     * weighted terms go into {@code terms} (their graphs are disjoint: the term runs its own student passes).
     */
    private NDArray withAuxiliary(long step, PairBatch pairs, NDArray consistency, Map<String, NDArray> metrics,
            Map<String, NDArray> terms, Phases phases) {
        NDArray loss = Scalars.mul(consistency, auxiliary.consistencyWeight());
        terms.put(CONSISTENCY_TERM, loss);
        double weight = auxiliary.termWeight(step);
        if (weight == 0) {
            return loss;
        }
        NDArray term = Scalars.mul(phases.run(auxiliary.studentTermName(),
                () -> auxiliary.studentTerm(step, student, pairs, consistency, metrics)), weight);
        terms.put(AUXILIARY_TERM, term);
        return loss.add(term);
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
