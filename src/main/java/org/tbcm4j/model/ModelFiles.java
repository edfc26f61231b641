package org.tbcm4j.model;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.nio.file.Path;
import org.tbcm4j.train.TrainingCheckpoint;

/**
 * Loads the project's models from model files or training checkpoints, checking the kind stored in
 * the file (a student where a teacher is expected is refused, naming the file).
 */
public final class ModelFiles {
    public static final String AUTOENCODER = "autoencoder";
    public static final String CLASSIFIER = "classifier";
    public static final String TEACHER = "teacher";
    public static final String STUDENT = "student";

    private ModelFiles() {}

    public static Autoencoder autoencoder(Path file, NDManager manager) {
        Autoencoder ae = new Autoencoder(TrainingCheckpoint.config(file, AUTOENCODER, AutoencoderConfig.class));
        ae.initialize(manager, DataType.FLOAT32, 0);
        TrainingCheckpoint.loadWeights(file, AUTOENCODER, ae, manager);
        ae.setTrainable(false);
        return ae;
    }

    public static Classifier classifier(Path file, NDManager manager) {
        Classifier c = new Classifier(TrainingCheckpoint.config(file, CLASSIFIER, ClassifierConfig.class));
        c.initialize(manager, DataType.FLOAT32, 0);
        TrainingCheckpoint.loadWeights(file, CLASSIFIER, c, manager);
        c.setTrainable(false);
        return c;
    }

    public static DiT teacher(Path file, NDManager manager) {
        DiT dit = new DiT(TrainingCheckpoint.config(file, TEACHER, DiTConfig.class));
        dit.initialize(manager, DataType.FLOAT32, 0);
        TrainingCheckpoint.loadWeights(file, TEACHER, dit, manager);
        dit.setTrainable(false);
        return dit;
    }

    public static Student student(Path file, NDManager manager) {
        Student s = new Student(TrainingCheckpoint.config(file, STUDENT, StudentConfig.class));
        s.initialize(manager, DataType.FLOAT32, 0);
        TrainingCheckpoint.loadWeights(file, STUDENT, s, manager);
        s.setTrainable(false);
        return s;
    }

    /** The kind stored in a model or checkpoint file. */
    public static String kindOf(Path file) {
        String kind = org.tbcm4j.train.SafetensorsHeader.read(file).metadata().get(TrainingCheckpoint.KEY_KIND);
        if (kind == null) {
            throw new org.tbcm4j.train.CheckpointException(file, "not a tbcm4j model file (no kind in its metadata)");
        }
        return kind;
    }

    /** Checks that the autoencoder's latents have the shape the diffusion model works on. */
    public static void requireLatentFit(Autoencoder ae, DiTConfig model, Path aeFile, Path modelFile) {
        int c = ae.config().latentChannels();
        int s = ae.config().latentSize();
        if (c != model.channels() || s != model.imageSize()) {
            throw new IllegalArgumentException(aeFile + " makes " + c + "×" + s + "×" + s + " latents but " + modelFile
                    + " works on " + model.channels() + "×" + model.imageSize() + "×" + model.imageSize());
        }
    }
}
