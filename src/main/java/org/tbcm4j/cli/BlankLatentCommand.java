package org.tbcm4j.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.tbcm4j.data.Datasets;
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
            NDArray latent = BlankLatent.write(ae, out, root);
            if (calibrate) {
                FilterCalibration.calibrate(ae, Home.resolve(autoencoder), latent, Datasets.open(data), threshold,
                        calibrationOut, root);
            }
        }
        return 0;
    }
}
