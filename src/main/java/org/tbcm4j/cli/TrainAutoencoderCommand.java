package org.tbcm4j.cli;

import ai.djl.ndarray.NDManager;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.tbcm4j.train.AutoencoderRunConfig;
import org.tbcm4j.train.RunDirectory;
import org.tbcm4j.train.AutoencoderTraining;
import org.tbcm4j.train.TrainLoop;
import org.tbcm4j.train.TrainingConfig;
import org.tbcm4j.util.Backend;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code tbcm train-autoencoder}: parses, then {@link AutoencoderTraining#run}. */
@Command(name = "train-autoencoder", mixinStandardHelpOptions = true,
        description = "Train the KL autoencoder (S×S images ↔ S/4×S/4×4 latents) on --data, then set its latent scale factor.")
public final class TrainAutoencoderCommand implements Callable<Integer> {
    @Mixin
    TrainOptions options;

    @Override
    public Integer call() {
        AutoencoderRunConfig cfg = options.loadConfig("configs/autoencoder.yaml", AutoencoderRunConfig.class, AutoencoderRunConfig::name);
        TrainingConfig training = options.training(cfg.training());
        AutoencoderRunConfig resolved = new AutoencoderRunConfig(cfg.name(), cfg.seed(), cfg.model(), training,
                cfg.klWeight(), cfg.scaleSamples());
        RunDirectory dir = options.runDirectory(cfg.name());
        try (NDManager root = Backend.newManager()) {
            TrainLoop.Outcome out = AutoencoderTraining.run(resolved, dir, options.dataset(), options.resume, options.stopAfter,
                    root);
            System.out.printf(Locale.ROOT, "trained steps %d-%d in %.0f s (%d skipped)%n", out.firstStep(), out.lastStep(),
                    out.seconds(), out.skippedSteps());
            System.out.println(out.finished() ? "model: " + dir.model()
                    : "stopped early; continue with --resume. Checkpoint: " + dir.lastCheckpoint());
        }
        return 0;
    }
}
