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
 * i mod 10 (balanced) and starts from noise drawn from (seed, i) alone, so two generators evaluated
 * with the same seed start from the same noise, whatever the batch size.
 *
 * @param pixels N·784 values in [−1, 1]
 * @param features classifier features per sample (null when generated without a classifier)
 * @param seconds wall time of generation alone (sampling, not decoding or scoring)
 */
public record GeneratedSet(float[] pixels, int[] classes, float[][] features, float[][] logits, double seconds) {

    /** Generates {@code samples} samples; {@code classifier} may be null when only pixels are wanted. */
    public static GeneratedSet generate(LatentGenerator generator, Autoencoder ae, Classifier classifier, int samples,
            int numClasses, long seed, int batchSize, long[] latentShape, NDManager root) {
        float[] pixels = new float[samples * 784];
        int[] classes = new int[samples];
        float[][] features = new float[samples][];
        float[][] logits = new float[samples][];
        double[] seconds = {0};
        int per = Math.toIntExact(latentShape[0] * latentShape[1] * latentShape[2]);
        Batched.forEach(root, samples, batchSize, (start, n, m) -> {
            long[] ids = new long[n];
            long[] indices = new long[n];
            float[] noise = new float[n * per];
            for (int b = 0; b < n; b++) {
                int i = start + b;
                classes[i] = i % numClasses;
                ids[b] = classes[i];
                indices[b] = i;
                LatentGenerator.startingNoise(seed, i, noise, b * per, per);
            }
            NDArray classIds = Tensors.classIds(m, ids);
            NDArray z = Tensors.float32(m, noise, n, latentShape[0], latentShape[1], latentShape[2]);
            long t0 = System.nanoTime();
            NDArray y = generator.generate(classIds, z, indices);
            seconds[0] += (System.nanoTime() - t0) / 1e9;
            NDArray images = ae.decode(Scalars.div(y, ae.latentScale())).clip(-1, 1);
            System.arraycopy(images.toFloatArray(), 0, pixels, start * 784, n * 784);
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
        return classifier == null ? new GeneratedSet(pixels, classes, null, null, seconds[0])
                : new GeneratedSet(pixels, classes, features, logits, seconds[0]);
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
        float[] out = new float[numClasses * perClass * 784];
        int[] filled = new int[numClasses];
        for (int i = 0; i < classes.length; i++) {
            int c = classes[i];
            if (filled[c] < perClass) {
                System.arraycopy(pixels, i * 784, out, (c * perClass + filled[c]) * 784, 784);
                filled[c]++;
            }
        }
        return out;
    }
}
