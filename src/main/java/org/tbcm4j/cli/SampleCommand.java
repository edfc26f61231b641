package org.tbcm4j.cli;

import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.tbcm4j.eval.GeneratedSet;
import org.tbcm4j.model.Autoencoder;
import org.tbcm4j.model.LatentGenerator;
import org.tbcm4j.model.ModelFiles;
import org.tbcm4j.report.ImageGrid;
import org.tbcm4j.util.Backend;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code tbcm sample}: a PNG grid, one row per class. */
@Command(name = "sample", mixinStandardHelpOptions = true,
        description = "Generate a PNG grid of samples, one row per class.")
public final class SampleCommand implements Callable<Integer> {
    @Mixin
    GenerationOptions generation;

    @Option(names = "--out", defaultValue = "grid.png", description = "Output PNG (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--per-class", defaultValue = "10", description = "Samples per class (default: ${DEFAULT-VALUE}).")
    int perClass;

    @Option(names = "--classes", split = ",", description = "Class ids to draw (default: all), e.g. 0,5,9.")
    int[] classes;

    @Override
    public Integer call() {
        if (perClass < 1 || perClass > 100) {
            throw new IllegalArgumentException("--per-class must be between 1 and 100, got " + perClass);
        }
        try (NDManager root = Backend.newManager()) {
            Autoencoder ae = ModelFiles.autoencoder(generation.autoencoderPath(), root);
            LatentGenerator generator = generation.generator(ae, root);
            int numClasses = generator.numClasses();
            int[] rows = classes == null ? java.util.stream.IntStream.range(0, numClasses).toArray() : classes;
            for (int c : rows) {
                if (c < 0 || c >= numClasses) {
                    throw new IllegalArgumentException("unknown class id " + c + " (the model has 0.." + (numClasses - 1)
                            + ")");
                }
            }
            GeneratedSet set = GeneratedSet.generate(generator, ae, null, numClasses * perClass, numClasses,
                    generation.seed, generation.batch, ae.latentShape(), root);
            float[] all = set.gridByClass(numClasses, perClass);
            int image = ae.config().pixelsPerImage();
            float[] chosen = new float[rows.length * perClass * image];
            for (int r = 0; r < rows.length; r++) {
                System.arraycopy(all, rows[r] * perClass * image, chosen, r * perClass * image, perClass * image);
            }
            ImageGrid.write(ImageGrid.render(chosen, rows.length, perClass, set.channels(), set.size(), set.size(), 2),
                    out);
            java.util.List<String> names = generation.classNames(numClasses);
            System.out.println("rows: " + String.join(", ", java.util.Arrays.stream(rows).mapToObj(names::get).toList()));
            System.out.printf(Locale.ROOT, "%s: %d x %d samples (%s), %.1f s%n", out, rows.length, perClass,
                    generator.describe(), set.seconds());
        }
        return 0;
    }
}
