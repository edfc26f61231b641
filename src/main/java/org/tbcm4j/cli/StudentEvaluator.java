package org.tbcm4j.cli;

import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tbcm4j.data.FashionMnist;
import org.tbcm4j.distill.DistillTask;
import org.tbcm4j.eval.GeneratedSet;
import org.tbcm4j.eval.Metrics;
import org.tbcm4j.model.Autoencoder;
import org.tbcm4j.model.Classifier;
import org.tbcm4j.model.Student;
import org.tbcm4j.model.StudentGenerator;
import org.tbcm4j.report.ImageGrid;

/** Along distillation: FD and class accuracy of 1- and 2-step samples, and a grid of each, under the run. */
final class StudentEvaluator implements DistillTask.Evaluator {
    static final List<String> NAMES = List.of("fd_1step", "class_accuracy_1step", "fd_2step", "class_accuracy_2step");

    private final Autoencoder ae;
    private final Classifier classifier;
    private final float[][] reference;
    private final DistillRunConfig.EvaluationConfig config;
    private final Path samplesDir;
    private final long seed;

    StudentEvaluator(Autoencoder ae, Classifier classifier, float[][] reference, DistillRunConfig.EvaluationConfig config,
            Path samplesDir, long seed) {
        this.ae = ae;
        this.classifier = classifier;
        this.reference = reference;
        this.config = config;
        this.samplesDir = samplesDir;
        this.seed = seed;
    }

    @Override
    public Map<String, Double> evaluate(long step, Student weights, NDManager manager) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (int steps : new int[] {1, 2}) {
            StudentGenerator gen = new StudentGenerator(weights, steps, config.intermediateTime(), config.guidance(), seed);
            GeneratedSet set = GeneratedSet.generate(gen, ae, classifier, config.samples(), FashionMnist.NUM_CLASSES, seed,
                    250, SampleCommand.latentShape(ae), manager);
            Metrics m = set.score(reference, seed);
            out.put("fd_" + steps + "step", m.fd());
            out.put("class_accuracy_" + steps + "step", m.classAccuracy());
            int perClass = Math.min(8, config.samples() / FashionMnist.NUM_CLASSES);
            ImageGrid.write(ImageGrid.render(set.gridByClass(FashionMnist.NUM_CLASSES, perClass), FashionMnist.NUM_CLASSES,
                    perClass, 28, 28, 2), samplesDir.resolve(String.format("step-%07d-%dstep.png", step, steps)));
        }
        return out;
    }
}
