package org.tbcm4j.eval;

import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tbcm4j.model.Autoencoder;
import org.tbcm4j.model.Student;
import org.tbcm4j.model.StudentGenerator;
import org.tbcm4j.report.ImageGrid;

/** Along distillation: FD and class accuracy of 1- and 2-step samples, and a grid of each, under the run. */
public final class StudentEvaluator {
    public static final List<String> NAMES =
            List.of("fd_1step", "class_accuracy_1step", "fd_2step", "class_accuracy_2step");

    private final Autoencoder ae;
    private final Scorer scorer;
    private final int samples;
    private final double guidance;
    private final double intermediateTime;
    private final Path samplesDir;
    private final long seed;

    public StudentEvaluator(Autoencoder ae, Scorer scorer, int samples, double guidance, double intermediateTime,
            Path samplesDir, long seed) {
        this.ae = ae;
        this.scorer = scorer;
        this.samples = samples;
        this.guidance = guidance;
        this.intermediateTime = intermediateTime;
        this.samplesDir = samplesDir;
        this.seed = seed;
    }

    /** The figures named by {@link #NAMES} for the student's weights at {@code step}; writes the grids. */
    public Map<String, Double> evaluate(long step, Student weights, NDManager manager) {
        Map<String, Double> out = new LinkedHashMap<>();
        int classes = scorer.classifier().config().numClasses();
        for (int steps : new int[] {1, 2}) {
            StudentGenerator gen = new StudentGenerator(weights, steps, intermediateTime, guidance, seed);
            GeneratedSet set = scorer.generate(gen, ae, samples, seed, manager);
            Metrics m = scorer.score(set, seed);
            out.put("fd_" + steps + "step", m.fd());
            out.put("class_accuracy_" + steps + "step", m.classAccuracy());
            int perClass = Math.min(8, samples / classes);
            ImageGrid.write(set.grid(classes, perClass, 2),
                    samplesDir.resolve(String.format("step-%07d-%dstep.png", step, steps)));
        }
        return out;
    }
}
