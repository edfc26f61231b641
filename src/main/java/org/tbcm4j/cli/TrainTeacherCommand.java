package org.tbcm4j.cli;

import ai.djl.ndarray.NDManager;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.tbcm4j.train.TeacherRunConfig;
import org.tbcm4j.train.RunDirectory;
import org.tbcm4j.train.TeacherTraining;
import org.tbcm4j.train.TrainLoop;
import org.tbcm4j.train.TrainingConfig;
import org.tbcm4j.util.Backend;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code tbcm train-teacher}: parses, then {@link TeacherTraining#run}. */
@Command(name = "train-teacher", mixinStandardHelpOptions = true,
        description = "Train the class-conditional latent DiT teacher by flow matching (with CFG dropout and an EMA).")
public final class TrainTeacherCommand implements Callable<Integer> {
    @Mixin
    TrainOptions options;

    @Override
    public Integer call() {
        TeacherRunConfig cfg = options.loadConfig("configs/teacher.yaml", TeacherRunConfig.class, TeacherRunConfig::name);
        TrainingConfig training = options.training(cfg.training());
        TeacherRunConfig resolved = new TeacherRunConfig(cfg.name(), cfg.seed(), cfg.autoencoder(), cfg.model(), training,
                cfg.classDropout(), cfg.logitMean(), cfg.logitStd());
        RunDirectory dir = options.runDirectory(cfg.name());
        try (NDManager root = Backend.newManager()) {
            TrainLoop.Outcome out = TeacherTraining.run(resolved, dir, options.dataset(), options.resume, options.stopAfter,
                    root);
            System.out.printf(Locale.ROOT, "trained steps %d-%d in %.0f s (%d skipped)%n", out.firstStep(), out.lastStep(),
                    out.seconds(), out.skippedSteps());
            System.out.println(out.finished() ? "model: " + dir.model()
                    : "stopped early; continue with --resume. Checkpoint: " + dir.lastCheckpoint());
        }
        return 0;
    }
}
