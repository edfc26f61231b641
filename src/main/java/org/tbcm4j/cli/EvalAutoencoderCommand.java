package org.tbcm4j.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.tbcm4j.data.Dataset;
import org.tbcm4j.data.Datasets;
import org.tbcm4j.model.Provenance;
import org.tbcm4j.data.LabeledImages;
import org.tbcm4j.model.Autoencoder;
import org.tbcm4j.model.Classifier;
import org.tbcm4j.model.ModelFiles;
import org.tbcm4j.nn.Batched;
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

    @Option(names = "--data", description = "Dataset: IDX files or an image folder (default: Fashion-MNIST in "
            + "/usr/share/datasets/fashion-mnist).")
    Path data;

    @Override
    public Integer call() {
        Dataset set = Datasets.open(data);
        LabeledImages test = set.test();
        Provenance.read(Home.resolve(autoencoder)).requireDataset(set, Home.resolve(autoencoder));
        Provenance.read(Home.resolve(classifier)).requireDataset(set, Home.resolve(classifier));
        try (NDManager root = Backend.newManager()) {
            Autoencoder ae = ModelFiles.autoencoder(Home.resolve(autoencoder), root);
            Classifier cls = ModelFiles.classifier(Home.resolve(classifier), root);
            long[] correct = {0, 0};
            Batched.forEach(root, test.size(), 500, (start, n, m) -> {
                int[] idx = Batched.indices(start, n);
                NDArray x = test.images(m, idx);
                NDArray labels = test.labels(m, idx);
                NDArray recon = ae.decode(ae.encode(x).get(0)).clip(-1, 1);
                correct[0] += predicted(cls, x).eq(labels).sum().getLong();
                correct[1] += predicted(cls, recon).eq(labels).sum().getLong();
            });
            long correctOriginal = correct[0];
            long correctReconstructed = correct[1];
            double psnr = ReconstructionQuality.psnr(ae, test, root);
            System.out.printf(Locale.ROOT, "test PSNR (%d images, posterior mean): %.2f dB%n", test.size(), psnr);
            System.out.printf(Locale.ROOT, "classifier accuracy on originals: %.2f %%, on reconstructions: %.2f %% "
                            + "(difference %.2f points)%n", 100.0 * correctOriginal / test.size(),
                    100.0 * correctReconstructed / test.size(), 100.0 * (correctOriginal - correctReconstructed) / test.size());
        }
        return 0;
    }

    private static NDArray predicted(Classifier cls, NDArray images) {
        return cls.logits(cls.features(images)).argMax(1);
    }
}
