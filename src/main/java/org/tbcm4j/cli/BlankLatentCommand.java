package org.tbcm4j.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.tbcm4j.data.FashionMnist;
import org.tbcm4j.distill.BlankLatent;
import org.tbcm4j.distill.FilterCalibration;
import org.tbcm4j.model.Autoencoder;
import org.tbcm4j.model.ModelFiles;
import org.tbcm4j.util.Backend;
import org.tbcm4j.util.Home;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tbcm blank-latent}: the filter's degenerate reference latent. */
@Command(name = "blank-latent", mixinStandardHelpOptions = true,
        description = "Encode a blank image once: the reference latent of TBCM's degenerate-sample filter.")
public final class BlankLatentCommand implements Callable<Integer> {
    @Option(names = "--autoencoder", defaultValue = "models/fashion-mnist/autoencoder.safetensors",
            description = "Autoencoder (default: ${DEFAULT-VALUE}).")
    String autoencoder;

    @Option(names = "--out", defaultValue = "runs/blank-latent/blank-latent.safetensors",
            description = "Output file (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--calibrate", description = "Also measure, on the real test split, what the filter would drop "
            + "of each class at --threshold, and the largest threshold that drops at most 0.1 %% of any class.")
    boolean calibrate;

    @Option(names = "--threshold", defaultValue = "1.0",
            description = "With --calibrate: the threshold to assess (default: ${DEFAULT-VALUE}, the official value).")
    double threshold;

    @Option(names = "--data", description = "Fashion-MNIST directory, for --calibrate (default: "
            + "/usr/share/datasets/fashion-mnist).")
    Path data;

    @Override
    public Integer call() {
        try (NDManager root = Backend.newManager()) {
            Autoencoder ae = ModelFiles.autoencoder(Home.resolve(autoencoder), root);
            NDArray latent = BlankLatent.compute(ae, root);
            BlankLatent.save(out, latent);
            System.out.printf("%s: blank-image latent %s, mean %.4f, rms %.4f%n", out, latent.getShape(),
                    latent.mean().getFloat(), latent.square().mean().sqrt().getFloat());
            if (calibrate) {
                printCalibration(FilterCalibration.measure(ae, FashionMnist.load(data != null ? data
                        : FashionMnist.DEFAULT_DIR, FashionMnist.Split.TEST), latent, FashionMnist.NUM_CLASSES, root));
            }
        }
        return 0;
    }

    private void printCalibration(FilterCalibration cal) {
        System.out.printf(Locale.ROOT, "distance m of real test images to the blank latent, and the filter's expected "
                + "drop rate at threshold %s:%n", threshold);
        System.out.println("class  min     1 %     median  drop rate");
        for (int c = 0; c < cal.numClasses(); c++) {
            System.out.printf(Locale.ROOT, "%-6d %-7.3f %-7.3f %-7.3f %.2f %%%n", c, cal.quantile(c, 0),
                    cal.quantile(c, 0.01), cal.quantile(c, 0.5), 100 * cal.expectedDropRate(c, threshold));
        }
        System.out.printf(Locale.ROOT, "largest threshold dropping at most 0.1 %% of every class: %.4f%n",
                cal.thresholdForClassDropRate(0.001));
    }
}
