package org.tbcm4j.testing;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.nio.file.Path;
import org.tbcm4j.checkpoint.ModelFile;
import org.tbcm4j.model.Autoencoder;
import org.tbcm4j.model.AutoencoderConfig;
import org.tbcm4j.model.DiT;
import org.tbcm4j.model.DiTConfig;
import org.tbcm4j.model.ModelFiles;
import org.tbcm4j.model.Student;
import org.tbcm4j.model.StudentConfig;
import org.tbcm4j.nn.AttentionKind;

/** Miniature model files with random (non-zero) weights, for the generator, export and server tests. */
public final class TinyFiles {
    /** A DiT on 4×7×7 latents, the tiny autoencoder's. */
    public static final DiTConfig NETWORK = new DiTConfig(4, 7, 1, 16, 1, 2, 2.0, AttentionKind.SOFTMAX, true, 10, 16, 1.0);

    private TinyFiles() {}

    public static Path student(Path dir, NDManager m, long seed) {
        return student(dir, m, seed, java.util.Map.of());
    }

    /** A student that records {@code aeFile} as the autoencoder of its latents, as a distilled one does. */
    public static Path student(Path dir, NDManager m, long seed, Path aeFile) {
        Autoencoder ae = ModelFiles.autoencoder(aeFile, m);
        return student(dir, m, seed, new org.tbcm4j.model.Provenance(null, null,
                org.tbcm4j.checkpoint.Fingerprint.of(ae), aeFile.toAbsolutePath().toString(), null, null).metadata());
    }

    private static Path student(Path dir, NDManager m, long seed, java.util.Map<String, String> provenance) {
        Student s = new Student(new StudentConfig(NETWORK, 0.1));
        s.initialize(m, DataType.FLOAT32, seed);
        JvpCheck.randomize(s, seed, 0.2);
        Path file = dir.resolve("student-" + seed + ".safetensors");
        ModelFile.write(file, ModelFiles.STUDENT, s.config(), s, provenance);
        return file;
    }

    public static Path teacher(Path dir, NDManager m, long seed) {
        DiT t = new DiT(NETWORK);
        t.initialize(m, DataType.FLOAT32, seed);
        JvpCheck.randomize(t, seed, 0.2);
        Path file = dir.resolve("teacher-" + seed + ".safetensors");
        ModelFile.write(file, ModelFiles.TEACHER, NETWORK, t);
        return file;
    }

    public static Path autoencoder(Path dir, NDManager m, long seed) {
        Autoencoder ae = new Autoencoder(new AutoencoderConfig(new int[] {8, 8}, 4, 4));
        ae.initialize(m, DataType.FLOAT32, seed);
        JvpCheck.randomize(ae, seed, 0.2);
        Path file = dir.resolve("autoencoder-" + seed + ".safetensors");
        ModelFile.write(file, ModelFiles.AUTOENCODER, ae.config(), ae);
        return file;
    }
}
