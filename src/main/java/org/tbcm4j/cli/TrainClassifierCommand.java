package org.tbcm4j.cli;

import ai.djl.ndarray.NDManager;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.tbcm4j.train.ClassifierRunConfig;
import org.tbcm4j.train.RunDirectory;
import org.tbcm4j.train.ClassifierTraining;
import org.tbcm4j.train.TrainLoop;
import org.tbcm4j.train.TrainingConfig;
import org.tbcm4j.util.Backend;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code tbcm train-classifier}: parses, then {@link ClassifierTraining#run}. */
@Command(name = "train-classifier", mixinStandardHelpOptions = true,
        description = "Train the evaluation classifier on Fashion-MNIST; its penultimate features define the metric space.")
public final class TrainClassifierCommand implements Callable<Integer> {
    @Mixin
    TrainOptions options;

    @Override
    public Integer call() {
        ClassifierRunConfig cfg = options.loadConfig("configs/classifier.yaml", ClassifierRunConfig.class, ClassifierRunConfig::name);
        TrainingConfig training = options.training(cfg.training());
        ClassifierRunConfig resolved = new ClassifierRunConfig(cfg.name(), cfg.seed(), cfg.model(), training, cfg.maxShift());
        RunDirectory dir = options.runDirectory(cfg.name());
        try (NDManager root = Backend.newManager()) {
            TrainLoop.Outcome out = ClassifierTraining.run(resolved, dir, options.dataset(), options.resume, options.stopAfter,
                    root);
            System.out.printf(Locale.ROOT, "trained steps %d-%d in %.0f s (%d skipped)%n", out.firstStep(), out.lastStep(),
                    out.seconds(), out.skippedSteps());
            System.out.println(out.finished() ? "model: " + dir.model()
                    : "stopped early; continue with --resume. Checkpoint: " + dir.lastCheckpoint());
        }
        return 0;
    }
}
