package org.tbcm4j.model;

import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import org.tbcm4j.checkpoint.Fingerprint;
import org.tbcm4j.checkpoint.ModelFile;
import org.tbcm4j.checkpoint.SafetensorsHeader;

/**
 * The project's models by kind, loaded from model files or training checkpoints (the kind stored in
 * the file is checked: a student where a teacher is expected is refused, naming the file).
 */
public final class ModelFiles {
    public static final String AUTOENCODER = "autoencoder";
    public static final String CLASSIFIER = "classifier";
    public static final String TEACHER = "teacher";
    public static final String STUDENT = "student";
    /** The shipped autoencoder: what decodes a model that records none. */
    public static final String DEFAULT_AUTOENCODER = "models/fashion-mnist/autoencoder.safetensors";

    private ModelFiles() {}

    /**
     * The autoencoder to decode {@code modelFile}'s latents with: {@code given} when the user named one, else
     * the file the model records (when it still exists), else the shipped one. {@link #requireLatentFit} then
     * checks the choice against the fingerprint the model records.
     */
    public static Path autoencoderFileFor(Path modelFile, String given) {
        if (given != null) {
            return org.tbcm4j.util.Home.resolve(given);
        }
        String recorded = Provenance.read(modelFile).autoencoderFile();
        if (recorded != null && java.nio.file.Files.isRegularFile(Path.of(recorded))) {
            return Path.of(recorded);
        }
        return org.tbcm4j.util.Home.resolve(DEFAULT_AUTOENCODER);
    }

    /** The shipped teacher: the default for a student that records no teacher (older files). */
    public static final String DEFAULT_TEACHER = "models/fashion-mnist/teacher.safetensors";

    /**
     * The teacher to draw or measure beside a student, and why when there is none.
     *
     * @param file the teacher file, or null
     * @param note one line to show when the choice is not the obvious one (a recorded teacher missing), or null
     */
    public record TeacherChoice(Path file, String note) {}

    /**
     * The teacher for {@code studentFile}: {@code given} when the user named one ("none": no teacher), else the
     * teacher the student records, when that file still exists with the same SHA-256, else (a student that
     * records none) the shipped teacher when the two learned the same autoencoder's latents. Otherwise none,
     * with a note that says what was looked for.
     */
    public static TeacherChoice teacherFor(Path studentFile, String given) {
        if (given != null) {
            return new TeacherChoice("none".equals(given) ? null : org.tbcm4j.util.Home.resolve(given), null);
        }
        Provenance student = Provenance.read(studentFile);
        if (student.teacherFile() != null) {
            Path recorded = Path.of(student.teacherFile());
            if (!java.nio.file.Files.isRegularFile(recorded)) {
                return new TeacherChoice(null, studentFile + " was distilled from " + recorded + ", which is not there; "
                        + "no teacher (pass --teacher FILE)");
            }
            if (student.teacherSha256() != null
                    && !student.teacherSha256().equals(org.tbcm4j.util.Digests.sha256(recorded))) {
                return new TeacherChoice(null, studentFile + " was distilled from " + recorded + ", which has changed "
                        + "since (another SHA-256); no teacher (pass --teacher FILE)");
            }
            return new TeacherChoice(recorded, null);
        }
        Path shipped = org.tbcm4j.util.Home.resolve(DEFAULT_TEACHER);
        if (!java.nio.file.Files.isRegularFile(shipped)) {
            return new TeacherChoice(null, studentFile + " records no teacher and " + shipped + " is not there; no "
                    + "teacher (pass --teacher FILE)");
        }
        String ours = student.autoencoder();
        String theirs = Provenance.read(shipped).autoencoder();
        if (ours != null && theirs != null && !ours.equals(theirs)) {
            return new TeacherChoice(null, studentFile + " records no teacher, and the shipped one learned another "
                    + "autoencoder's latents; no teacher (pass --teacher FILE)");
        }
        return new TeacherChoice(shipped, null);
    }

    public static Autoencoder autoencoder(Path file, NDManager manager) {
        return ModelFile.load(file, AUTOENCODER, AutoencoderConfig.class, Autoencoder::new, manager);
    }

    public static Classifier classifier(Path file, NDManager manager) {
        return ModelFile.load(file, CLASSIFIER, ClassifierConfig.class, Classifier::new, manager);
    }

    public static DiT teacher(Path file, NDManager manager) {
        return ModelFile.load(file, TEACHER, DiTConfig.class, DiT::new, manager);
    }

    /**
     * A model that generates latents, opened by the kind its file records: a teacher or a student (the other
     * is null), its latent shape checked against the autoencoder {@code ae} read from {@code aeFile}.
     */
    public record Generative(DiT teacher, Student student) {
        /** The DiT that predicts (the teacher, or the student's backbone). */
        public DiTConfig network() {
            return student != null ? student.config().backbone() : teacher.config();
        }
    }

    /** Opens {@code file} as a {@link Generative}; any other kind is refused in one line. */
    public static Generative generative(Path file, Autoencoder ae, Path aeFile, NDManager manager) {
        String kind = ModelFile.kindOf(file);
        Generative g = switch (kind) {
            case TEACHER -> new Generative(teacher(file, manager), null);
            case STUDENT -> new Generative(null, student(file, manager));
            default -> throw new IllegalArgumentException(file + " holds a " + kind + " model, which cannot generate "
                    + "images");
        };
        requireLatentFit(ae, g.network(), aeFile, file);
        return g;
    }

    public static Student student(Path file, NDManager manager) {
        return ModelFile.load(file, STUDENT, StudentConfig.class, Student::new, manager);
    }

    /**
     * Checks that {@code ae} decodes what the model in {@code modelFile} generates: its latents have the
     * model's shape and, when the file records the autoencoder it learned from, it is that autoencoder (a
     * teacher trained on other latents would otherwise be decoded into noise without a word).
     */
    public static void requireLatentFit(Autoencoder ae, DiTConfig model, Path aeFile, Path modelFile) {
        requireLatentShape(ae, model, aeFile, modelFile.toString());
        String recorded = SafetensorsHeader.read(modelFile).metadata().get(ModelFile.KEY_AUTOENCODER);
        String given = recorded == null ? null : Fingerprint.of(ae);
        if (recorded != null && !recorded.equals(given)) {
            throw new IllegalArgumentException(modelFile + " learned the latents of autoencoder " + recorded + ", but "
                    + aeFile + " is autoencoder " + given + "; pass the autoencoder it was trained with");
        }
    }

    /** Checks that the autoencoder's latents have the shape the diffusion model (named {@code modelName}) works on. */
    public static void requireLatentShape(Autoencoder ae, DiTConfig model, Path aeFile, String modelName) {
        int c = ae.config().latentChannels();
        int s = ae.config().latentSize();
        if (c != model.channels() || s != model.imageSize()) {
            throw new IllegalArgumentException(aeFile + " makes " + c + "×" + s + "×" + s + " latents but " + modelName
                    + " works on " + model.channels() + "×" + model.imageSize() + "×" + model.imageSize());
        }
    }
}
