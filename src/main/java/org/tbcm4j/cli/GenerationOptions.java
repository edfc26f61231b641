package org.tbcm4j.cli;

import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import org.tbcm4j.model.Autoencoder;
import org.tbcm4j.model.LatentGenerator;
import org.tbcm4j.model.ModelFiles;
import org.tbcm4j.model.Student;
import org.tbcm4j.model.StudentGenerator;
import org.tbcm4j.model.TeacherGenerator;
import org.tbcm4j.trigflow.OdeSampler;
import org.tbcm4j.trigflow.StudentSchedule;
import org.tbcm4j.util.Home;
import picocli.CommandLine.Option;

/** How to generate: which model, how many steps, which guidance; shared by sample and eval. */
public final class GenerationOptions {
    @Option(names = "--model", defaultValue = "models/fashion-mnist/teacher.safetensors",
            description = "Teacher or student model, or a training checkpoint (default: ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--steps", defaultValue = "16", description = "Sampling steps (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--cfg", defaultValue = "1.5", description = "Classifier-free guidance scale w (default: ${DEFAULT-VALUE}, the shipped models' FD-best).")
    double cfg;

    @Option(names = "--sampler", defaultValue = "dpm2m",
            description = "Teacher ODE solver: dpm2m (DPM-Solver++(2M)) or first-order (default: ${DEFAULT-VALUE}).")
    String sampler;

    @Option(names = "--shift", defaultValue = "1", description = "Teacher time-grid shift (default: ${DEFAULT-VALUE}).")
    double shift;

    @Option(names = "--intermediate", defaultValue = "1.0",
            description = "Student: the 2-step sampler's intermediate time (default: ${DEFAULT-VALUE}).")
    double intermediate;

    @Option(names = "--times", split = ",", paramLabel = "T",
            description = "Student: the sampler's intermediate times, descending in (0, 1.5708), steps − 1 of them "
                    + "(e.g. --steps 4 --times 1.3,1.0,0.6, rCM's); default: 2 steps through --intermediate, more "
                    + "steps evenly spaced.")
    double[] times;

    @Option(names = "--autoencoder", description = "Autoencoder that decodes the latents (default: the one the model "
            + "records, else " + ModelFiles.DEFAULT_AUTOENCODER + ").")
    String autoencoder;

    @Option(names = "--seed", defaultValue = "0", description = "Noise seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--batch", defaultValue = "250", description = "Samples per batch (default: ${DEFAULT-VALUE}).")
    int batch;

    Path modelPath() {
        return Home.resolve(model);
    }

    Path autoencoderPath() {
        return ModelFiles.autoencoderFileFor(modelPath(), autoencoder);
    }

    /** The model's class names: recorded in it, else beside its autoencoder, else the class ids. */
    java.util.List<String> classNames(int numClasses) {
        return org.tbcm4j.model.Provenance.read(modelPath()).classNamesOr(numClasses, autoencoderPath());
    }

    void validate() {
        if (steps < 1) {
            throw new IllegalArgumentException("--steps must be at least 1, got " + steps);
        }
        if (!(cfg >= 0) || !Double.isFinite(cfg)) {
            throw new IllegalArgumentException("--cfg must be at least 0, got " + cfg);
        }
        if (batch < 1) {
            throw new IllegalArgumentException("--batch must be at least 1, got " + batch);
        }
        if (!(shift > 0)) {
            throw new IllegalArgumentException("--shift must be positive, got " + shift);
        }
    }

    /** The generator for the model file, by the kind its metadata records. */
    LatentGenerator generator(Autoencoder ae, NDManager root) {
        validate();
        Path file = modelPath();
        ModelFiles.Generative g = ModelFiles.generative(file, ae, autoencoderPath(), root);
        if (g.teacher() != null) {
            return new TeacherGenerator(g.teacher(), OdeSampler.parse(sampler), steps, cfg, shift);
        }
        Student student = g.student();
        if (times != null) {
            if (times.length != steps - 1) {
                throw new IllegalArgumentException("--times gives " + times.length + " intermediate time"
                        + (times.length == 1 ? "" : "s") + "; --steps " + steps + " needs " + (steps - 1));
            }
            return new StudentGenerator(student, StudentSchedule.through(times), cfg, seed);
        }
        return new StudentGenerator(student, steps, intermediate, cfg, seed);
    }
}
