package org.tbcm4j.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.tbcm4j.data.Dataset;
import org.tbcm4j.data.Datasets;
import org.tbcm4j.model.Provenance;
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

    @Option(names = "--calibration-out", description = "With --calibrate: also write the calibrated threshold (the "
            + "largest dropping at most 0.1 %% of any class) to this JSON file, as {\"threshold\": t}.")
    Path calibrationOut;

    @Option(names = "--data", description = "Dataset for --calibrate: IDX files or an image folder (default: "
            + "Fashion-MNIST in /usr/share/datasets/fashion-mnist).")
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
                Dataset set = Datasets.open(data);
                Provenance.read(Home.resolve(autoencoder)).requireDataset(set, Home.resolve(autoencoder));
                FilterCalibration cal = FilterCalibration.measure(ae, set.test(), latent, set.numClasses(), root);
                printCalibration(cal, set.classNames());
                if (calibrationOut != null) {
                    org.tbcm4j.util.AtomicFiles.write(calibrationOut, org.tbcm4j.util.Json.write(java.util.Map.of(
                            "threshold", cal.thresholdForClassDropRate(0.001), "max_class_drop_rate", 0.001))
                            .getBytes(java.nio.charset.StandardCharsets.UTF_8));
                }
            }
        }
        return 0;
    }

    private void printCalibration(FilterCalibration cal, java.util.List<String> names) {
        System.out.printf(Locale.ROOT, "distance m of real test images to the blank latent, and the filter's expected "
                + "drop rate at threshold %s:%n", threshold);
        System.out.println("class              min     1 %     median  drop rate");
        for (int c = 0; c < cal.numClasses(); c++) {
            System.out.printf(Locale.ROOT, "%-3d %-14.14s %-7.3f %-7.3f %-7.3f %.2f %%%n", c, names.get(c), cal.quantile(c, 0),
                    cal.quantile(c, 0.01), cal.quantile(c, 0.5), 100 * cal.expectedDropRate(c, threshold));
        }
        System.out.printf(Locale.ROOT, "largest threshold dropping at most 0.1 %% of every class: %.4f%n",
                cal.thresholdForClassDropRate(0.001));
    }
}
