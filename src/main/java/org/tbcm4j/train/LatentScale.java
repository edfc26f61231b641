package org.tbcm4j.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.Arrays;
import java.util.List;
import org.tbcm4j.data.LabeledImages;
import org.tbcm4j.model.Autoencoder;
import org.tbcm4j.nn.Batched;
import org.tbcm4j.nn.Scalars;
import org.tbcm4j.nn.Tensors;
import org.tbcm4j.util.Rng;

/**
 * The autoencoder's latent statistics, from which its scale factor 1/std is set (so that scaled latents
 * have unit variance, as Stable Diffusion's 0.18215 and DC-AE's 0.41407 do for theirs).
 *
 * @param mean the mean of posterior samples
 * @param std their standard deviation
 */
public record LatentScale(double mean, double std) {
    private static final int BATCH = 500;

    /** Statistics of posterior samples of {@code count} training images, chosen by a seeded permutation. */
    public static LatentScale measure(Autoencoder model, LabeledImages images, int count, long seed, NDManager root) {
        int n = Math.min(count, images.size());
        int[] order = Rng.of(seed, "scale", 0).permutation(images.size());
        double[] sums = new double[3];
        Batched.forEach(root, n, BATCH, (start, size, m) -> {
            NDArray x = images.images(m, Arrays.copyOfRange(order, start, start + size));
            List<NDArray> posterior = model.encode(x);
            NDArray eps = Tensors.normal(m, Rng.of(seed, "scale-noise", start), posterior.get(0).getShape(),
                    DataType.FLOAT32, 1.0);
            NDArray z = posterior.get(0).add(Scalars.mul(posterior.get(1), 0.5).exp().mul(eps));
            for (float v : z.toFloatArray()) {
                sums[0] += v;
                sums[1] += (double) v * v;
                sums[2]++;
            }
        });
        double mean = sums[0] / sums[2];
        return new LatentScale(mean, Math.sqrt(sums[1] / sums[2] - mean * mean));
    }

    /** The factor that gives the latents unit variance. */
    public double factor() {
        return 1.0 / std;
    }
}
