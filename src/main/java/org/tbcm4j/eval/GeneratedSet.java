package org.tbcm4j.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.tbcm4j.model.Autoencoder;
import org.tbcm4j.model.Classifier;
import org.tbcm4j.model.LatentGenerator;
import org.tbcm4j.nn.Batched;
import org.tbcm4j.nn.Scalars;
import org.tbcm4j.nn.Tensors;

/**
 * Samples from a generator, decoded to images and seen by the classifier. Sample i asks for class
 * i mod numClasses (balanced) and starts from noise drawn from (seed, i) alone, so two generators evaluated
 * with the same seed start from the same noise, whatever the batch size.
 *
 * @param pixels N images of channels·size·size values in [−1, 1]
 * @param features classifier features per sample (null when generated without a classifier)
 * @param seconds wall time of generation alone (sampling, not decoding or scoring)
 * @param channels image channels (1 or 3)
 * @param size image edge
 */
public record GeneratedSet(float[] pixels, int[] classes, float[][] features, float[][] logits, double seconds,
        int channels, int size) {

    /** Generates {@code samples} samples; {@code classifier} may be null when only pixels are wanted. */
    public static GeneratedSet generate(LatentGenerator generator, Autoencoder ae, Classifier classifier, int samples,
            int numClasses, long seed, int batchSize, long[] latentShape, NDManager root) {
        int channels = ae.config().imageChannels();
        int size = ae.config().imageSize();
        int image = ae.config().pixelsPerImage();
        float[] pixels = new float[Math.multiplyExact(samples, image)];
        int[] classes = new int[samples];
        float[][] features = new float[samples][];
        float[][] logits = new float[samples][];
        double[] seconds = {0};
        Batched.forEach(root, samples, batchSize, (start, n, m) -> {
            Inputs in = Inputs.of(start, n, numClasses, seed, latentShape, m);
            for (int b = 0; b < n; b++) {
                classes[start + b] = (int) in.classes()[b];
            }
            long t0 = System.nanoTime();
            NDArray y = generator.generate(in.classIds(), in.noise(), in.indices());
            seconds[0] += (System.nanoTime() - t0) / 1e9;
            NDArray images = ae.decode(Scalars.div(y, ae.latentScale())).clip(-1, 1);
            System.arraycopy(images.toFloatArray(), 0, pixels, start * image, n * image);
            if (classifier == null) {
                return;
            }
            NDArray feats = classifier.features(images);
            NDArray logit = classifier.logits(feats);
            float[] f = feats.toFloatArray();
            float[] l = logit.toFloatArray();
            int d = f.length / n;
            int c = l.length / n;
            for (int b = 0; b < n; b++) {
                features[start + b] = java.util.Arrays.copyOfRange(f, b * d, (b + 1) * d);
                logits[start + b] = java.util.Arrays.copyOfRange(l, b * c, (b + 1) * c);
            }
        });
        return classifier == null ? new GeneratedSet(pixels, classes, null, null, seconds[0], channels, size)
                : new GeneratedSet(pixels, classes, features, logits, seconds[0], channels, size);
    }

    /**
     * The latents alone of {@code samples} samples of {@code generator} (the same classes and noise as
     * {@link #generate}), flattened sample after sample: for comparing generators output by output.
     */
    public static float[] latents(LatentGenerator generator, int samples, long seed, int batchSize, long[] latentShape,
            NDManager root) {
        int per = Math.toIntExact(latentShape[0] * latentShape[1] * latentShape[2]);
        float[] out = new float[Math.multiplyExact(samples, per)];
        Batched.forEach(root, samples, batchSize, (start, n, m) -> {
            Inputs in = Inputs.of(start, n, generator.numClasses(), seed, latentShape, m);
            float[] y = generator.generate(in.classIds(), in.noise(), in.indices()).toFloatArray();
            System.arraycopy(y, 0, out, start * per, n * per);
        });
        return out;
    }

    /** One batch's inputs: sample i asks for class i mod numClasses and starts from the noise of (seed, i). */
    private record Inputs(long[] indices, long[] classes, NDArray classIds, NDArray noise) {
        static Inputs of(int start, int n, int numClasses, long seed, long[] latentShape, NDManager m) {
            int per = Math.toIntExact(latentShape[0] * latentShape[1] * latentShape[2]);
            long[] ids = new long[n];
            long[] indices = new long[n];
            float[] noise = new float[n * per];
            for (int b = 0; b < n; b++) {
                indices[b] = start + b;
                ids[b] = (start + b) % numClasses;
                LatentGenerator.startingNoise(seed, start + b, noise, b * per, per);
            }
            return new Inputs(indices, ids, Tensors.classIds(m, ids),
                    Tensors.float32(m, noise, n, latentShape[0], latentShape[1], latentShape[2]));
        }
    }

    /** FD, KID, precision/recall and class accuracy against the reference features. */
    public Metrics score(float[][] reference, long seed) {
        if (features == null) {
            throw new IllegalStateException("generated without a classifier: nothing to score");
        }
        return Metrics.compute(features, logits, classes, reference, seed);
    }

    /** The first {@code perClass} samples of each class, row by class: for a grid of rows × perClass tiles. */
    public float[] gridByClass(int numClasses, int perClass) {
        int image = channels * size * size;
        float[] out = new float[numClasses * perClass * image];
        int[] filled = new int[numClasses];
        for (int i = 0; i < classes.length; i++) {
            int c = classes[i];
            if (filled[c] < perClass) {
                System.arraycopy(pixels, i * image, out, (c * perClass + filled[c]) * image, image);
                filled[c]++;
            }
        }
        return out;
    }

    /** The grid of {@link #gridByClass}: a row per class, {@code perClass} tiles each, enlarged {@code zoom} times. */
    public java.awt.image.BufferedImage grid(int numClasses, int perClass, int zoom) {
        return org.tbcm4j.report.ImageGrid.render(gridByClass(numClasses, perClass), numClasses, perClass, channels, size,
                size, zoom);
    }
}
