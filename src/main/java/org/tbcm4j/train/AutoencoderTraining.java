package org.tbcm4j.train;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.Locale;
import java.util.Map;
import org.tbcm4j.checkpoint.ModelFile;
import org.tbcm4j.data.Dataset;
import org.tbcm4j.data.LabeledImages;
import org.tbcm4j.model.Autoencoder;
import org.tbcm4j.model.DataFit;
import org.tbcm4j.model.Provenance;

/**
 * An autoencoder run, from its config to model.safetensors: the KL autoencoder trained in the shared loop,
 * then its latent scale factor measured on the training images and written into the exported file.
 */
public final class AutoencoderTraining {
    public static final String KIND = "autoencoder";

    private AutoencoderTraining() {}

    /** Trains (or continues) {@code cfg} on {@code data} in {@code dir}; a finished run gets its latent scale. */
    public static TrainLoop.Outcome run(AutoencoderRunConfig cfg, RunDirectory dir, Dataset data, boolean resume,
            long stopAfter, NDManager root) {
        DataFit.requireImages(cfg.model().imageSize(), cfg.model().imageChannels(), data, "the autoencoder config");
        LabeledImages train = data.train();
        LabeledImages test = data.test().head(2000);
        Map<String, String> provenance = Provenance.of(data).metadata();
        Autoencoder model = new Autoencoder(cfg.model());
        model.initialize(root, DataType.FLOAT32, cfg.seed());
        Autoencoder ema = new Autoencoder(cfg.model());
        ema.initialize(root, DataType.FLOAT32, cfg.seed());
        AutoencoderTask task = new AutoencoderTask(model, train, test, cfg.training().requireBatchSize(), cfg.klWeight(),
                cfg.seed());
        dir.prepare(resume);
        dir.saveConfig(cfg);
        dir.recordDataset(data, resume);
        TrainLoop.Outcome out = new TrainLoop(dir, KIND, cfg.model(), cfg.training(), cfg.seed(), provenance)
                .run(model, ema, task, resume, stopAfter, root);
        if (out.finished()) {
            Autoencoder trained = new Autoencoder(cfg.model());
            trained.initialize(root, DataType.FLOAT32, cfg.seed());
            ModelFile.loadWeights(dir.model(), KIND, trained, root);
            LatentScale stats = LatentScale.measure(trained, train, cfg.scaleSamples(), cfg.seed(), root);
            trained.setLatentScale(stats.factor());
            ModelFile.write(dir.model(), KIND, cfg.model(), trained, provenance);
            System.out.printf(Locale.ROOT, "latents: mean %.4f, std %.4f -> scale factor %.5f%n", stats.mean(),
                    stats.std(), stats.factor());
            System.out.printf(Locale.ROOT, "test PSNR (2000 images): %.2f dB%n",
                    ReconstructionQuality.psnr(trained, test, root));
        }
        return out;
    }
}
