package org.tbcm4j.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.tbcm4j.distill.BlankLatent;
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

    @Option(names = "--out", defaultValue = "models/fashion-mnist/blank-latent.safetensors",
            description = "Output file (default: ${DEFAULT-VALUE}).")
    Path out;

    @Override
    public Integer call() {
        try (NDManager root = Backend.newManager()) {
            Autoencoder ae = ModelFiles.autoencoder(Home.resolve(autoencoder), root);
            NDArray latent = BlankLatent.compute(ae, root);
            BlankLatent.save(out, latent);
            System.out.printf("%s: blank-image latent %s, mean %.4f, rms %.4f%n", out, latent.getShape(),
                    latent.mean().getFloat(), latent.square().mean().sqrt().getFloat());
        }
        return 0;
    }
}
