package org.tbcm4j.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.tbcm4j.nn.Tensors;

/** Images as unsigned bytes, each [channels, height, width] (1: gray, 3: RGB), with one class label each. */
public final class LabeledImages {
    private final byte[] pixels;
    private final byte[] labels;
    private final int count;
    private final int channels;
    private final int height;
    private final int width;

    /** Single-channel images. */
    public LabeledImages(byte[] pixels, byte[] labels, int count, int height, int width) {
        this(pixels, labels, count, 1, height, width);
    }

    public LabeledImages(byte[] pixels, byte[] labels, int count, int channels, int height, int width) {
        if (pixels.length != (long) count * channels * height * width || labels.length != count) {
            throw new IllegalArgumentException("pixel or label count does not match " + count + " images");
        }
        this.pixels = pixels;
        this.labels = labels;
        this.count = count;
        this.channels = channels;
        this.height = height;
        this.width = width;
    }

    public int channels() {
        return channels;
    }

    public int size() {
        return count;
    }

    public int height() {
        return height;
    }

    public int width() {
        return width;
    }

    public int label(int index) {
        return labels[index] & 0xFF;
    }

    /** Images at {@code indices} as [B, C, H, W] float32 with pixels mapped from [0, 255] to [−1, 1]. */
    public NDArray images(NDManager manager, int[] indices) {
        int pixelsPerImage = channels * height * width;
        float[] out = new float[indices.length * pixelsPerImage];
        for (int b = 0; b < indices.length; b++) {
            int src = indices[b] * pixelsPerImage;
            int dst = b * pixelsPerImage;
            for (int p = 0; p < pixelsPerImage; p++) {
                out[dst + p] = (pixels[src + p] & 0xFF) / 127.5f - 1f;
            }
        }
        return Tensors.float32(manager, out, indices.length, channels, height, width);
    }

    /**
     * Like {@link #images}, each image translated by a random offset in [−maxShift, maxShift] pixels on
     * both axes, filling with the background (training augmentation for the classifier).
     */
    public NDArray shiftedImages(NDManager manager, int[] indices, org.tbcm4j.util.Rng rng, int maxShift) {
        int plane = height * width;
        int per = channels * plane;
        float[] out = new float[indices.length * per];
        java.util.Arrays.fill(out, -1f);
        for (int b = 0; b < indices.length; b++) {
            int dx = rng.nextInt(2 * maxShift + 1) - maxShift;
            int dy = rng.nextInt(2 * maxShift + 1) - maxShift;
            for (int c = 0; c < channels; c++) {
                int src = indices[b] * per + c * plane;
                int dst = b * per + c * plane;
                for (int y = Math.max(0, dy); y < Math.min(height, height + dy); y++) {
                    for (int x = Math.max(0, dx); x < Math.min(width, width + dx); x++) {
                        out[dst + y * width + x] = (pixels[src + (y - dy) * width + (x - dx)] & 0xFF) / 127.5f - 1f;
                    }
                }
            }
        }
        return Tensors.float32(manager, out, indices.length, channels, height, width);
    }

    /** Labels at {@code indices} as int64 [B]. */
    public NDArray labels(NDManager manager, int[] indices) {
        long[] out = new long[indices.length];
        for (int b = 0; b < indices.length; b++) {
            out[b] = label(indices[b]);
        }
        return Tensors.classIds(manager, out);
    }

    /** Feeds the pixels and labels to {@code digest} (the dataset's fingerprint). */
    void digest(java.security.MessageDigest digest) {
        digest.update(pixels);
        digest.update(labels);
    }

    /** The first {@code n} images (or all when n exceeds the size), e.g. for a quick evaluation. */
    public LabeledImages head(int n) {
        int k = Math.min(n, count);
        int per = channels * height * width;
        return new LabeledImages(java.util.Arrays.copyOf(pixels, k * per), java.util.Arrays.copyOf(labels, k), k, channels,
                height, width);
    }
}
