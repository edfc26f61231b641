package org.tbcm4j.distill;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.Map;
import org.tbcm4j.checkpoint.CheckpointException;
import org.tbcm4j.checkpoint.CheckpointFile;
import org.tbcm4j.model.Autoencoder;
import org.tbcm4j.nn.NativeArrays;
import org.tbcm4j.nn.NoGrad;
import org.tbcm4j.nn.Scalars;
import org.tbcm4j.nn.StepScope;
import org.tbcm4j.nn.Tensors;

/**
 * The degenerate reference latent of the filter: the autoencoder's scaled posterior mean of a blank
 * (all-background) image, computed once and shipped, so distillation never needs the encoder.
 */
public final class BlankLatent {
    static final String KIND = "blank-latent";

    private BlankLatent() {}

    /** The unit-variance latent [C, H, W] of an all-black image of the autoencoder's shape. */
    public static NDArray compute(Autoencoder ae, NDManager manager) {
        float[] pixels = new float[ae.config().pixelsPerImage()];
        java.util.Arrays.fill(pixels, -1f);
        long[] shape = ae.imageShape();
        NDArray black = Tensors.float32(manager, pixels, 1, shape[0], shape[1], shape[2]);
        NDArray mean = NoGrad.call(() -> ae.encode(black).get(0));
        return Scalars.mul(mean, ae.latentScale()).reshape(mean.getShape().slice(1));
    }

    /** Computes the blank latent of {@code ae}, saves it to {@code file} and prints its size; returns it. */
    public static NDArray write(Autoencoder ae, Path file, NDManager manager) {
        NDArray latent = compute(ae, manager);
        save(file, latent);
        System.out.printf("%s: blank-image latent %s, mean %.4f, rms %.4f%n", file, latent.getShape(),
                latent.mean().getFloat(), latent.square().mean().sqrt().getFloat());
        return latent;
    }

    public static void save(Path file, NDArray latent) {
        CheckpointFile.write(file, Map.of("latent", latent), Map.of("format", "tbcm4j/1", "kind", KIND));
    }

    /** Loads the latent into {@code owner}, checking the file's kind. */
    public static NDArray load(Path file, NDManager owner) {
        try (StepScope s = StepScope.open(owner)) {
            CheckpointFile.Contents c = CheckpointFile.read(file, s.manager());
            NDArray latent = c.tensors().get("latent");
            if (!KIND.equals(c.metadata().get("kind")) || latent == null) {
                throw new CheckpointException(file, "is not a blank-latent file");
            }
            return s.keep(NativeArrays.copy(latent));
        }
    }
}
