package org.tbcm4j.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.tbcm4j.checkpoint.ModelFile;
import org.tbcm4j.data.FashionMnist;
import org.tbcm4j.data.LabeledImages;
import org.tbcm4j.model.Autoencoder;
import org.tbcm4j.nn.NoGrad;
import org.tbcm4j.nn.StepScope;
import org.tbcm4j.nn.Tensors;
import org.tbcm4j.train.AutoencoderTask;
import org.tbcm4j.train.ReconstructionQuality;
import org.tbcm4j.train.RunDirectory;
import org.tbcm4j.train.TrainLoop;
import org.tbcm4j.train.TrainingConfig;
import org.tbcm4j.util.Backend;
import org.tbcm4j.util.Rng;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code tbcm train-autoencoder}. */
@Command(name = "train-autoencoder", mixinStandardHelpOptions = true,
        description = "Train the KL autoencoder (28×28×1 ↔ 7×7×4) on Fashion-MNIST, then set its latent scale factor.")
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
        LabeledImages train = FashionMnist.load(options.dataDir(), FashionMnist.Split.TRAIN);
        LabeledImages test = FashionMnist.load(options.dataDir(), FashionMnist.Split.TEST).head(2000);
        try (NDManager root = Backend.newManager()) {
            Autoencoder model = new Autoencoder(cfg.model());
            model.initialize(root, DataType.FLOAT32, cfg.seed());
            Autoencoder ema = new Autoencoder(cfg.model());
            ema.initialize(root, DataType.FLOAT32, cfg.seed());
            TrainLoop loop = new TrainLoop(dir, KIND, cfg.model(), training, cfg.seed());
            AutoencoderTask task = new AutoencoderTask(model, train, test, training.batchSize(), cfg.klWeight(), cfg.seed());
            dir.prepare(options.resume);
            RunConfigFile.save(dir, resolved);
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
            double[] stats = latentStats(trained, train, cfg.scaleSamples(), cfg.seed(), root);
            trained.setLatentScale(1.0 / stats[1]);
            ModelFile.write(dir.model(), KIND, cfg.model(), trained);
            System.out.printf(Locale.ROOT, "latents: mean %.4f, std %.4f -> scale factor %.5f%n", stats[0], stats[1],
                    1.0 / stats[1]);
            System.out.printf(Locale.ROOT, "test PSNR (2000 images): %.2f dB%n",
                    ReconstructionQuality.psnr(trained, test, root));
            System.out.println("model: " + dir.model());
        }
        return 0;
    }

    /** Mean and standard deviation of posterior samples of {@code count} training images. */
    static double[] latentStats(Autoencoder model, LabeledImages images, int count, long seed, NDManager root) {
        double sum = 0;
        double sumSq = 0;
        long n = 0;
        int batch = 500;
        int[] order = Rng.of(seed, "scale", 0).permutation(images.size());
        for (int start = 0; start < Math.min(count, images.size()); start += batch) {
            int[] idx = java.util.Arrays.copyOfRange(order, start, Math.min(start + batch, Math.min(count, images.size())));
            try (StepScope s = StepScope.open(root)) {
                NDArray x = images.images(s.manager(), idx);
                java.util.List<NDArray> post = NoGrad.call(() -> model.encode(x));
                NDArray eps = Tensors.normal(s.manager(), Rng.of(seed, "scale-noise", start), post.get(0).getShape(),
                        DataType.FLOAT32, 1.0);
                NDArray z = post.get(0).add(org.tbcm4j.nn.Scalars.mul(post.get(1), 0.5).exp().mul(eps));
                for (float v : z.toFloatArray()) {
                    sum += v;
                    sumSq += (double) v * v;
                    n++;
                }
            }
        }
        double mean = sum / n;
        return new double[] {mean, Math.sqrt(sumSq / n - mean * mean)};
    }
}
