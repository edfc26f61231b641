package org.tbcm4j.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.tbcm4j.data.Datasets;
import org.tbcm4j.data.IdxDataset;
import org.tbcm4j.data.LabeledImages;
import org.tbcm4j.distill.BlankLatent;
import org.tbcm4j.eval.ClassAccuracy;
import org.tbcm4j.checkpoint.Fingerprint;
import org.tbcm4j.eval.GeneratedSet;
import org.tbcm4j.eval.ReferenceFeatures;
import org.tbcm4j.nn.NoGrad;
import org.tbcm4j.testing.WithManager;
import org.tbcm4j.trigflow.OdeSampler;

/** The checkpoints in models/fashion-mnist load, fit together, and do their jobs. */
class ShippedModelsTest extends WithManager {
    private static final Path DIR = Path.of("models/fashion-mnist");

    @Test
    void shippedFilesLoadAndFitTogether() {
        Autoencoder ae = ModelFiles.autoencoder(DIR.resolve("autoencoder.safetensors"), m);
        Classifier classifier = ModelFiles.classifier(DIR.resolve("classifier.safetensors"), m);
        DiT teacher = ModelFiles.teacher(DIR.resolve("teacher.safetensors"), m);
        ModelFiles.requireLatentFit(ae, teacher.config(), DIR.resolve("autoencoder.safetensors"),
                DIR.resolve("teacher.safetensors"));
        // The reference features refuse a classifier other than the one they were computed with.
        float[][] reference = ReferenceFeatures.load(DIR.resolve("reference-features.safetensors"),
                Fingerprint.of(classifier), m);
        assertEquals(10_000, reference.length);
        NDArray blank = BlankLatent.load(DIR.resolve("blank-latent.safetensors"), m);
        assertArrayEquals(new long[] {teacher.config().channels(), teacher.config().imageSize(),
                teacher.config().imageSize()}, blank.getShape().getShape());
    }

    @Test
    void shippedClassifierAndTeacherDoTheirJobs() {
        Autoencoder ae = ModelFiles.autoencoder(DIR.resolve("autoencoder.safetensors"), m);
        Classifier classifier = ModelFiles.classifier(DIR.resolve("classifier.safetensors"), m);
        LabeledImages test = IdxDataset.load(Datasets.DEFAULT_DIR, IdxDataset.Split.TEST, 10).head(1000);
        int[] idx = java.util.stream.IntStream.range(0, test.size()).toArray();
        NDArray logits = NoGrad.call(() -> classifier.logits(classifier.features(test.images(m, idx))));
        int[] labels = new int[test.size()];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = test.label(i);
        }
        double accuracy = ClassAccuracy.of(argmax(logits), labels);
        assertTrue(accuracy > 0.88, "classifier accuracy on 1000 test images: " + accuracy);

        DiT teacher = ModelFiles.teacher(DIR.resolve("teacher.safetensors"), m);
        TeacherGenerator generator = new TeacherGenerator(teacher, OdeSampler.DPM_SOLVER_2M, 8, 3.0, 1.0);
        long[] shape = {teacher.config().channels(), teacher.config().imageSize(), teacher.config().imageSize()};
        GeneratedSet set = GeneratedSet.generate(generator, ae, classifier, 100, 10, 7, 100, shape, m);
        double sampleAccuracy = ClassAccuracy.ofLogits(set.logits(), set.classes());
        assertTrue(sampleAccuracy > 0.9, "teacher class accuracy (100 samples, 8 steps, w 3): " + sampleAccuracy);
    }

    private static int[] argmax(NDArray logits) {
        long[] a = logits.argMax(1).toLongArray();
        int[] out = new int[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = (int) a[i];
        }
        return out;
    }
}
