package org.tbcm4j.cli;

import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.tbcm4j.checkpoint.ModelFile;
import org.tbcm4j.export.GeneratorOnnx;
import org.tbcm4j.export.OnnxGraph;
import org.tbcm4j.model.Autoencoder;
import org.tbcm4j.model.ModelFiles;
import org.tbcm4j.model.Student;
import org.tbcm4j.util.AtomicFiles;
import org.tbcm4j.util.Backend;
import org.tbcm4j.util.Home;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tbcm export}: a student's few-step generator, decoder included, as a standard ONNX file. */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = "Write a student's 1- or 2-step generator (noise, class, guidance → image, decoder included) as "
                + "an ONNX model (opset " + OnnxGraph.OPSET + ") that ONNX Runtime and other ONNX tools run.")
public final class ExportCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "The student (model.safetensors of a distillation).")
    String model;

    @Option(names = "--autoencoder", description = "The autoencoder whose decoder turns latents into images (default: "
            + "the one the student records, else " + ModelFiles.DEFAULT_AUTOENCODER + ").")
    String autoencoder;

    @Option(names = "--format", defaultValue = "onnx", description = "Only onnx (default: ${DEFAULT-VALUE}).")
    String format;

    @Option(names = "--steps", defaultValue = "1", description = "Sampling steps, 1 or 2 (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--intermediate", defaultValue = "1.0",
            description = "The 2-step sampler's intermediate TrigFlow time (default: ${DEFAULT-VALUE}).")
    double intermediate;

    @Option(names = "--out", defaultValue = "generator.onnx", description = "Output file (default: ${DEFAULT-VALUE}).")
    Path out;

    @Override
    public Integer call() {
        if (!"onnx".equals(format)) {
            throw new IllegalArgumentException("--format: only onnx is supported, got " + format);
        }
        if (steps != 1 && steps != 2) {
            throw new IllegalArgumentException("--steps must be 1 or 2 (each step adds a re-noising input), got " + steps);
        }
        Path modelFile = Home.resolve(model);
        String kind = ModelFile.kindOf(modelFile);
        if (!ModelFiles.STUDENT.equals(kind)) {
            throw new IllegalArgumentException(modelFile + " holds a " + kind + " model; export takes a student (a teacher "
                    + "needs its multi-step ODE solver, which is not exported)");
        }
        try (NDManager root = Backend.newManager()) {
            Student student = ModelFiles.student(modelFile, root);
            Path aeFile = ModelFiles.autoencoderFileFor(modelFile, autoencoder);
            Autoencoder ae = ModelFiles.autoencoder(aeFile, root);
            ModelFiles.requireLatentFit(ae, student.config().backbone(), aeFile, modelFile);
            byte[] bytes = GeneratorOnnx.student(student, ae, steps, intermediate);
            AtomicFiles.write(out, bytes);
            String latent = "[B, " + java.util.Arrays.toString(ae.latentShape()).replaceAll("[\\[\\]]", "") + "]";
            System.out.printf(Locale.ROOT, "%s: %d-step generator, ONNX opset %d, %.1f MiB; inputs noise %s, classes [B] "
                            + "int64, guidance [B] float%s; output image [B, %d, %d, %d] in [-1, 1]%n", out, steps,
                    OnnxGraph.OPSET, bytes.length / 1048576.0, latent, steps == 2 ? ", renoise_1 " + latent : "",
                    ae.config().imageChannels(), ae.config().imageSize(), ae.config().imageSize());
        }
        return 0;
    }
}
