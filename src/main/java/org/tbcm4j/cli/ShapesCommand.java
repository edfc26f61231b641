package org.tbcm4j.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.tbcm4j.data.Shapes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tbcm shapes}: a synthetic RGB image folder, to try the pipeline on a second dataset offline. */
@Command(name = "shapes", mixinStandardHelpOptions = true,
        description = "Write a synthetic image folder of coloured shapes (5 classes, RGB) with train/ and test/ splits.")
public final class ShapesCommand implements Callable<Integer> {
    @Option(names = "--out", required = true, description = "Directory to write.")
    Path out;

    @Option(names = "--per-class", defaultValue = "2000",
            description = "Training images per class; a tenth as many test images (default: ${DEFAULT-VALUE}).")
    int perClass;

    @Option(names = "--size", defaultValue = "32", description = "Image edge in pixels (default: ${DEFAULT-VALUE}).")
    int size;

    @Option(names = "--seed", defaultValue = "0", description = "Seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() {
        Shapes.write(out, perClass, size, seed);
        System.out.printf("%s: %d classes (%s), %d training images per class, %d×%d RGB%n", out, Shapes.CLASSES.size(),
                String.join(", ", Shapes.CLASSES), perClass, size, size);
        return 0;
    }
}
