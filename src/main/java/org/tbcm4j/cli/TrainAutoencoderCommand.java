package org.tbcm4j.cli;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.tbcm4j.checkpoint.ModelFile;
import org.tbcm4j.data.Dataset;
import org.tbcm4j.data.LabeledImages;
import org.tbcm4j.model.Autoencoder;
import org.tbcm4j.model.DataFit;
import org.tbcm4j.model.Provenance;
import org.tbcm4j.train.AutoencoderTask;
import org.tbcm4j.train.LatentScale;
import org.tbcm4j.train.ReconstructionQuality;
import org.tbcm4j.train.RunDirectory;
import org.tbcm4j.train.TrainLoop;
import org.tbcm4j.train.TrainingConfig;
import org.tbcm4j.util.Backend;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code tbcm train-autoencoder}. */
@Command(name = "train-autoencoder", mixinStandardHelpOptions = true,
        description = "Train the KL autoencoder (S×S images ↔ S/4×S/4×4 latents) on --data, then set its latent scale factor.")
public final class TrainAutoencoderCommand implements Callable<Integer> {
    static final String KIND = "autoencoder";

    @Mixin
    TrainOptions options;

    @Override
    public Integer call() {
        AutoencoderRunConfig cfg = options.loadConfig("configs/autoencoder.yaml", AutoencoderRunConfig.class,
                AutoencoderRunConfig::name);
        TrainingConfig training = options.training(cfg.training());
        AutoencoderRunConfig resolved = new AutoencoderRunConfig(cfg.name(), cfg.seed(), cfg.model(), training,
                cfg.klWeight(), cfg.scaleSamples());
        RunDirectory dir = options.runDirectory(cfg.name());
        Dataset data = options.dataset();
        DataFit.requireImages(cfg.model().imageSize(), cfg.model().imageChannels(), data, "the autoencoder config");
        LabeledImages train = data.train();
        LabeledImages test = data.test().head(2000);
        java.util.Map<String, String> provenance = Provenance.of(data).metadata();
        try (NDManager root = Backend.newManager()) {
            Autoencoder model = new Autoencoder(cfg.model());
            model.initialize(root, DataType.FLOAT32, cfg.seed());
            Autoencoder ema = new Autoencoder(cfg.model());
            ema.initialize(root, DataType.FLOAT32, cfg.seed());
            TrainLoop loop = new TrainLoop(dir, KIND, cfg.model(), training, cfg.seed(), provenance);
            AutoencoderTask task = new AutoencoderTask(model, train, test, training.requireBatchSize(), cfg.klWeight(), cfg.seed());
            dir.prepare(options.resume);
            dir.saveConfig(resolved);
            dir.recordDataset(data, options.resume);
            TrainLoop.Outcome out = loop.run(model, ema, task, options.resume, options.stopAfter, root);
            System.out.printf(Locale.ROOT, "trained steps %d-%d in %.0f s (%d skipped)%n", out.firstStep(), out.lastStep(),
                    out.seconds(), out.skippedSteps());
            if (!out.finished()) {
                System.out.println("stopped early; continue with --resume. Checkpoint: " + dir.lastCheckpoint());
                return 0;
            }
            Autoencoder trained = new Autoencoder(cfg.model());
            trained.initialize(root, DataType.FLOAT32, cfg.seed());
            ModelFile.loadWeights(dir.model(), KIND, trained, root);
            LatentScale stats = LatentScale.measure(trained, train, cfg.scaleSamples(), cfg.seed(), root);
            trained.setLatentScale(stats.factor());
            ModelFile.write(dir.model(), KIND, cfg.model(), trained, provenance);
            System.out.printf(Locale.ROOT, "latents: mean %.4f, std %.4f -> scale factor %.5f%n", stats.mean(), stats.std(),
                    stats.factor());
            System.out.printf(Locale.ROOT, "test PSNR (2000 images): %.2f dB%n",
                    ReconstructionQuality.psnr(trained, test, root));
            System.out.println("model: " + dir.model());
        }
        return 0;
    }
}
