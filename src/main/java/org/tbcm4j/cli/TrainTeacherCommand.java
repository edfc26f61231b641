package org.tbcm4j.cli;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.tbcm4j.data.Dataset;
import org.tbcm4j.model.Autoencoder;
import org.tbcm4j.model.DiT;
import org.tbcm4j.model.DataFit;
import org.tbcm4j.model.ModelFiles;
import org.tbcm4j.model.Provenance;
import org.tbcm4j.train.EncodedLatents;
import org.tbcm4j.train.RunDirectory;
import org.tbcm4j.train.TeacherTask;
import org.tbcm4j.train.TrainLoop;
import org.tbcm4j.train.TrainingConfig;
import org.tbcm4j.util.Backend;
import org.tbcm4j.util.Home;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code tbcm train-teacher}. */
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
        Path aeFile = Home.resolve(cfg.autoencoder());
        try (NDManager root = Backend.newManager()) {
            Autoencoder ae = ModelFiles.autoencoder(aeFile, root);
            ModelFiles.requireLatentShape(ae, cfg.model(), aeFile, "the teacher config");
            Dataset data = options.dataset();
            Provenance.read(aeFile).requireDataset(data, aeFile);
            DataFit.requireClasses(cfg.model().numClasses(), data, "the teacher config");
            dir.prepare(options.resume);
            dir.saveConfig(resolved);
            dir.recordDataset(data, options.resume);
            long t0 = System.nanoTime();
            EncodedLatents latents = EncodedLatents.encode(ae, data.train(), root);
            System.out.printf(Locale.ROOT, "encoded %d training images in %.0f s (latent scale %.5f)%n", latents.size(),
                    (System.nanoTime() - t0) / 1e9, ae.latentScale());
            DiT model = new DiT(cfg.model());
            model.initialize(root, DataType.FLOAT32, cfg.seed());
            DiT ema = new DiT(cfg.model());
            ema.initialize(root, DataType.FLOAT32, cfg.seed());
            System.out.printf(Locale.ROOT, "teacher: %.2f M parameters%n", model.parameterCount() / 1e6);
            TeacherTask task = new TeacherTask(model, latents, training.requireBatchSize(), cfg.classDropout(), cfg.logitMean(),
                    cfg.logitStd(), cfg.seed());
            TrainLoop.Outcome out = new TrainLoop(dir, ModelFiles.TEACHER, cfg.model(), training, cfg.seed(),
                    Provenance.of(data, ae, aeFile).metadata())
                    .run(model, ema, task, options.resume, options.stopAfter, root);
            System.out.printf(Locale.ROOT, "trained steps %d-%d in %.0f s (%d skipped)%n", out.firstStep(), out.lastStep(),
                    out.seconds(), out.skippedSteps());
            System.out.println(out.finished() ? "model: " + dir.model()
                    : "stopped early; continue with --resume. Checkpoint: " + dir.lastCheckpoint());
        }
        return 0;
    }
}
