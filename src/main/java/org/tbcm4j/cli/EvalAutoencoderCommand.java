package org.tbcm4j.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.tbcm4j.data.FashionMnist;
import org.tbcm4j.data.LabeledImages;
import org.tbcm4j.model.Autoencoder;
import org.tbcm4j.model.Classifier;
import org.tbcm4j.model.ModelFiles;
import org.tbcm4j.nn.NoGrad;
import org.tbcm4j.nn.StepScope;
import org.tbcm4j.train.ReconstructionQuality;
import org.tbcm4j.util.Backend;
import org.tbcm4j.util.Home;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tbcm eval-autoencoder}: reconstruction PSNR, and the classifier's accuracy on reconstructions. */
@Command(name = "eval-autoencoder", mixinStandardHelpOptions = true,
        description = "Test PSNR of the autoencoder, and the evaluation classifier's accuracy on its reconstructions "
                + "against its accuracy on the originals (needs the dataset).")
public final class EvalAutoencoderCommand implements Callable<Integer> {
    @Option(names = "--autoencoder", defaultValue = "models/fashion-mnist/autoencoder.safetensors",
            description = "Autoencoder (default: ${DEFAULT-VALUE}).")
    String autoencoder;

    @Option(names = "--classifier", defaultValue = "models/fashion-mnist/classifier.safetensors",
            description = "Evaluation classifier (default: ${DEFAULT-VALUE}).")
    String classifier;

    @Option(names = "--data", description = "Fashion-MNIST directory (default: /usr/share/datasets/fashion-mnist).")
    Path data;

    @Override
    public Integer call() {
        LabeledImages test = FashionMnist.load(data != null ? data : FashionMnist.DEFAULT_DIR, FashionMnist.Split.TEST);
        try (NDManager root = Backend.newManager()) {
            Autoencoder ae = ModelFiles.autoencoder(Home.resolve(autoencoder), root);
            Classifier cls = ModelFiles.classifier(Home.resolve(classifier), root);
            long correctOriginal = 0;
            long correctReconstructed = 0;
            for (int start = 0; start < test.size(); start += 500) {
                int[] idx = java.util.stream.IntStream.range(start, Math.min(start + 500, test.size())).toArray();
                try (StepScope s = StepScope.open(root)) {
                    NDArray x = test.images(s.manager(), idx);
                    NDArray labels = test.labels(s.manager(), idx);
                    NDArray recon = NoGrad.call(() -> ae.decode(ae.encode(x).get(0)).clip(-1, 1));
                    correctOriginal += predicted(cls, x).eq(labels).sum().getLong();
                    correctReconstructed += predicted(cls, recon).eq(labels).sum().getLong();
                }
            }
            double psnr = ReconstructionQuality.psnr(ae, test, root);
            System.out.printf(Locale.ROOT, "test PSNR (10000 images, posterior mean): %.2f dB%n", psnr);
            System.out.printf(Locale.ROOT, "classifier accuracy on originals: %.2f %%, on reconstructions: %.2f %% "
                            + "(difference %.2f points)%n", 100.0 * correctOriginal / test.size(),
                    100.0 * correctReconstructed / test.size(), 100.0 * (correctOriginal - correctReconstructed) / test.size());
        }
        return 0;
    }

    private static NDArray predicted(Classifier cls, NDArray images) {
        return NoGrad.call(() -> cls.logits(cls.features(images)).argMax(1));
    }
}
