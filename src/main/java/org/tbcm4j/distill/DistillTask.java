package org.tbcm4j.distill;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tbcm4j.model.Student;
import org.tbcm4j.nn.Module;
import org.tbcm4j.nn.NativeArrays;
import org.tbcm4j.train.TrainingTask;

/** One distillation iteration: pairs from the source, then the sCM consistency loss on the student. */
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

    public DistillTask(Student student, PairSource source, LossSettings settings, List<String> evaluationNames,
            Evaluator evaluator) {
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
        return List.of("loss", "loss_without_logvar", "g_norm", "r", "dropped_prompts", "teacher_evaluations_per_pair");
    }

    @Override
    public StepLoss loss(long step, NDManager manager) {
        PairBatch pairs = source.next(step, manager);
        double r = settings.r(step);
        ConsistencyLoss.Result result = ConsistencyLoss.compute(student, pairs, r, settings.normConstant());
        NDArray like = result.loss();
        Map<String, NDArray> metrics = new LinkedHashMap<>();
        metrics.put("loss", result.loss());
        metrics.put("loss_without_logvar", result.lossWithoutLogvar());
        metrics.put("g_norm", result.tangentNorm());
        metrics.put("r", NativeArrays.scalar(like, r));
        metrics.put("dropped_prompts", NativeArrays.scalar(like, pairs.dropped()));
        metrics.put("teacher_evaluations_per_pair",
                NativeArrays.scalar(like, (double) pairs.teacherEvaluations() / pairs.size()));
        return new StepLoss(result.loss(), metrics);
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
