package org.tbcm4j.cli;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.tbcm4j.checkpoint.ModelFile;
import org.tbcm4j.checkpoint.Fingerprint;
import org.tbcm4j.eval.ReferenceFeatures;
import org.tbcm4j.model.Autoencoder;
import org.tbcm4j.model.AutoencoderConfig;
import org.tbcm4j.model.Classifier;
import org.tbcm4j.model.ClassifierConfig;
import org.tbcm4j.model.DiT;
import org.tbcm4j.model.DiTConfig;
import org.tbcm4j.nn.AttentionKind;
import org.tbcm4j.testing.JvpCheck;
import org.tbcm4j.train.TrainingCheckpoint;
import org.tbcm4j.util.Rng;

/** Untrained miniature models and a miniature Fashion-MNIST, written to files, for command-level tests. */
final class TinyModels {
    static final DiTConfig TEACHER = new DiTConfig(4, 7, 1, 16, 1, 2, 2.0, AttentionKind.SOFTMAX, true, 10, 16, 1.0);

    private TinyModels() {}

    static Path autoencoder(Path dir, NDManager m, int latentChannels) {
        Autoencoder ae = new Autoencoder(new AutoencoderConfig(new int[] {8, 8}, latentChannels, 4));
        ae.initialize(m, DataType.FLOAT32, 1);
        Path f = dir.resolve("ae" + latentChannels + ".safetensors");
        ModelFile.write(f, "autoencoder", ae.config(), ae);
        return f;
    }

    static Classifier classifier(NDManager m) {
        Classifier c = new Classifier(new ClassifierConfig(new int[] {8, 8, 8}, 16, 10, 4));
        c.initialize(m, DataType.FLOAT32, 2);
        return c;
    }

    static Path classifierFile(Path dir, NDManager m) {
        Classifier c = classifier(m);
        Path f = dir.resolve("classifier.safetensors");
        ModelFile.write(f, "classifier", c.config(), c);
        return f;
    }

    /** Random "reference" features tied to the tiny classifier's fingerprint. */
    static Path reference(Path dir, NDManager m) {
        float[][] features = new float[60][16];
        Rng rng = Rng.of(3, "ref", 0);
        for (float[] row : features) {
            for (int j = 0; j < row.length; j++) {
                row[j] = (float) rng.gaussian();
            }
        }
        Path f = dir.resolve("reference.safetensors");
        ReferenceFeatures.save(f, features, Fingerprint.of(classifier(m)), "tiny", m);
        return f;
    }

    static Path teacher(Path dir, NDManager m) {
        DiT dit = new DiT(TEACHER);
        dit.initialize(m, DataType.FLOAT32, 4);
        JvpCheck.randomize(dit, 4, 0.05);
        Path f = dir.resolve("teacher.safetensors");
        ModelFile.write(f, "teacher", TEACHER, dit);
        return f;
    }

    /** A Fashion-MNIST-shaped dataset of random images: {@code train} and {@code test} images. */
    static Path dataset(Path dir, int train, int test) throws IOException {
        Files.createDirectories(dir);
        write(dir, "train", train, 1);
        write(dir, "t10k", test, 2);
        return dir;
    }

    private static void write(Path dir, String prefix, int n, long seed) throws IOException {
        Rng rng = Rng.of(seed, "pixels", 0);
        ByteBuffer img = ByteBuffer.allocate(16 + n * 784).putInt(2051).putInt(n).putInt(28).putInt(28);
        for (int i = 0; i < n * 784; i++) {
            img.put((byte) rng.nextInt(256));
        }
        ByteBuffer lab = ByteBuffer.allocate(8 + n).putInt(2049).putInt(n);
        for (int i = 0; i < n; i++) {
            lab.put((byte) (i % 10));
        }
        gzip(dir.resolve(prefix + "-images-idx3-ubyte.gz"), img.array());
        gzip(dir.resolve(prefix + "-labels-idx1-ubyte.gz"), lab.array());
    }

    private static void gzip(Path file, byte[] bytes) throws IOException {
        try (GZIPOutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
            out.write(bytes);
        }
    }
}
