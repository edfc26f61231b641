package org.tbcm4j.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.tbcm4j.checkpoint.CheckpointException;
import org.tbcm4j.checkpoint.CheckpointFile;
import org.tbcm4j.checkpoint.Fingerprint;
import org.tbcm4j.data.Dataset;
import org.tbcm4j.data.LabeledImages;
import org.tbcm4j.model.Classifier;
import org.tbcm4j.model.DataFit;
import org.tbcm4j.model.ModelFiles;
import org.tbcm4j.model.Provenance;
import org.tbcm4j.nn.Batched;
import org.tbcm4j.nn.StepScope;
import org.tbcm4j.nn.Tensors;

/**
 * The classifier's features of the real test split, the reference every metric compares against.
 * Shipped as a safetensors file whose metadata holds the classifier's fingerprint, so that features
 * from one classifier are never compared with another's.
 */
public final class ReferenceFeatures {
    static final String KIND = "reference-features";

    private ReferenceFeatures() {}

    /**
     * The classifier's features of {@code set}'s test split, written to {@code out} with both fingerprints (the
     * reference-features command and the pipeline's stage); the classifier must have been trained on {@code set}.
     */
    public static void write(Path classifierFile, Dataset set, Path out, NDManager root) {
        Classifier cls = ModelFiles.classifier(classifierFile, root);
        Provenance.read(classifierFile).requireDataset(set, classifierFile);
        DataFit.requireImages(cls.config().imageSize(), cls.config().imageChannels(), set, classifierFile.toString());
        float[][] features = compute(cls, set.test(), root);
        save(out, features, Fingerprint.of(cls), set.fingerprint(), root);
        System.out.printf("%s: %d × %d features (classifier %s)%n", out, features.length, features[0].length,
                Fingerprint.of(cls));
    }

    /** Features [N][featureDim] of {@code images}. */
    public static float[][] compute(Classifier classifier, LabeledImages images, NDManager root) {
        float[][] out = new float[images.size()][];
        Batched.forEach(root, images.size(), 500, (start, n, m) -> {
            float[] f = classifier.features(images.images(m, Batched.indices(start, n))).toFloatArray();
            int d = f.length / n;
            for (int i = 0; i < n; i++) {
                out[start + i] = java.util.Arrays.copyOfRange(f, i * d, (i + 1) * d);
            }
        });
        return out;
    }

    /** Saves features of the test split of dataset {@code datasetFingerprint}, tied to the classifier that made them. */
    public static void save(Path file, float[][] features, String classifierFingerprint, String datasetFingerprint,
            NDManager root) {
        int d = features[0].length;
        float[] flat = new float[features.length * d];
        for (int i = 0; i < features.length; i++) {
            System.arraycopy(features[i], 0, flat, i * d, d);
        }
        try (StepScope s = StepScope.open(root)) {
            Map<String, NDArray> tensors = new LinkedHashMap<>();
            tensors.put("features", Tensors.float32(s.manager(), flat, features.length, d));
            CheckpointFile.write(file, tensors, Map.of("format", "tbcm4j/1", "kind", KIND, "classifier",
                    classifierFingerprint, "dataset", datasetFingerprint, "split", "test"));
        }
    }

    /** Loads features, refusing a file made with another classifier. */
    public static float[][] load(Path file, String classifierFingerprint, NDManager root) {
        try (StepScope s = StepScope.open(root)) {
            CheckpointFile.Contents c = CheckpointFile.read(file, s.manager());
            if (!KIND.equals(c.metadata().get("kind"))) {
                throw new CheckpointException(file, "holds " + c.metadata().get("kind") + ", not reference features");
            }
            if (!classifierFingerprint.equals(c.metadata().get("classifier"))) {
                throw new CheckpointException(file, "was computed with classifier " + c.metadata().get("classifier")
                        + ", not with the given one (" + classifierFingerprint + "); recompute it with that classifier");
            }
            NDArray f = c.tensors().get("features");
            if (f == null || f.getShape().dimension() != 2) {
                throw new CheckpointException(file, "has no [N, D] tensor named features");
            }
            int n = Math.toIntExact(f.getShape().get(0));
            int d = Math.toIntExact(f.getShape().get(1));
            float[] flat = f.toFloatArray();
            float[][] out = new float[n][];
            for (int i = 0; i < n; i++) {
                out[i] = java.util.Arrays.copyOfRange(flat, i * d, (i + 1) * d);
            }
            return out;
        }
    }
}
