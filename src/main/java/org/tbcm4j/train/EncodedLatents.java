package org.tbcm4j.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.List;
import org.tbcm4j.data.LabeledImages;
import org.tbcm4j.model.Autoencoder;
import org.tbcm4j.nn.Batched;
import org.tbcm4j.nn.Tensors;
import org.tbcm4j.util.Rng;

/**
 * The training images encoded once by the autoencoder: posterior mean and standard deviation per
 * image, kept in Java memory (60,000 × 2 × 196 floats, 94 MB). Batches draw a fresh posterior sample,
 * multiplied by the latent scale factor (Sana's posterior sampling and scale_factor).
 */
public final class EncodedLatents {
    private final float[] means;
    private final float[] stds;
    private final int[] labels;
    private final long[] shape;
    private final int perImage;
    private final double scale;

    private EncodedLatents(float[] means, float[] stds, int[] labels, long[] shape, double scale) {
        this.means = means;
        this.stds = stds;
        this.labels = labels;
        this.shape = shape;
        this.perImage = Math.toIntExact(shape[0] * shape[1] * shape[2]);
        this.scale = scale;
    }

    /** Encodes every image, in batches of 500. */
    public static EncodedLatents encode(Autoencoder ae, LabeledImages images, NDManager root) {
        long[] shape = ae.latentShape();
        int per = Math.toIntExact(shape[0] * shape[1] * shape[2]);
        float[] means = new float[Math.multiplyExact(images.size(), per)];
        float[] stds = new float[means.length];
        int[] labels = new int[images.size()];
        Batched.forEach(root, images.size(), 500, (start, n, manager) -> {
            List<NDArray> post = ae.encode(images.images(manager, Batched.indices(start, n)));
            float[] m = post.get(0).toFloatArray();
            float[] sd = org.tbcm4j.nn.Scalars.mul(post.get(1), 0.5).exp().toFloatArray();
            // Offset per image, not start·length/n: that product overflows int at 60,000 images.
            System.arraycopy(m, 0, means, start * per, m.length);
            System.arraycopy(sd, 0, stds, start * per, sd.length);
            for (int i = 0; i < n; i++) {
                labels[start + i] = images.label(start + i);
            }
        });
        return new EncodedLatents(means, stds, labels, shape, ae.latentScale());
    }

    /** The bytes it holds in Java memory (means, standard deviations, labels). */
    public long bytes() {
        return 4L * means.length + 4L * stds.length + 4L * labels.length;
    }

    public int size() {
        return labels.length;
    }

    /** Latent shape per image [C, H, W]. */
    public long[] shape() {
        return shape.clone();
    }

    /** Scaled posterior samples y = scale·(μ + σ·ε) at {@code indices}, [B, C, H, W]. */
    public NDArray sample(NDManager manager, int[] indices, Rng rng) {
        float[] out = new float[indices.length * perImage];
        for (int b = 0; b < indices.length; b++) {
            int src = indices[b] * perImage;
            for (int k = 0; k < perImage; k++) {
                out[b * perImage + k] = (float) (scale * (means[src + k] + stds[src + k] * rng.gaussian()));
            }
        }
        return Tensors.float32(manager, out, indices.length, shape[0], shape[1], shape[2]);
    }

    public int label(int index) {
        return labels[index];
    }
}
