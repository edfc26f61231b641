package org.tbcm4j.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tbcm4j.testing.TinyFiles;
import org.tbcm4j.testing.WithManager;

/** The README's API example, compiled and run: images per class, the same for the same request. */
class GeneratorTest extends WithManager {
    @TempDir
    Path tmp;

    @Test
    void theReadmeExampleDrawsRepeatableImages() {
        Path aeFile = TinyFiles.autoencoder(tmp, m, 2);
        Path studentFile = TinyFiles.student(tmp, m, 1, aeFile);

        // the README's example: the student finds the autoencoder it records
        try (Generator g = Generator.load(studentFile)) {
            List<BufferedImage> shirts = g.images(Generator.Request.of(6, 8).withSteps(1).withGuidance(3).withSeed(42));
            assertEquals(8, shirts.size());
            assertEquals(28, shirts.get(0).getWidth());

            float[][] once = g.pixels(Generator.Request.of(6, 3).withSeed(42));
            float[][] again = g.pixels(Generator.Request.of(6, 3).withSeed(42));
            float[][] other = g.pixels(Generator.Request.of(6, 3).withSeed(43));
            for (int i = 0; i < 3; i++) {
                assertArrayEquals(once[i], again[i], "the same request, the same image");
                for (float p : once[i]) {
                    assertTrue(p >= 0 && p <= 1, "pixels in [0, 1]: " + p);
                }
            }
            assertFalse(java.util.Arrays.equals(once[0], other[0]), "another seed, another image");
            assertFalse(java.util.Arrays.equals(once[0], once[1]), "two samples of a request differ");
            // sample i depends on (seed, i) only: the first 3 of 8 equal a request of 3 (to float rounding: the
            // batch size changes the order of sums inside the matrix products)
            float[][] eight = g.pixels(Generator.Request.of(6, 8).withSeed(42));
            assertArrayEquals(once[2], eight[2], 1e-5f);
            assertThrows(IllegalArgumentException.class, () -> g.pixels(Generator.Request.of(11, 1)));
            assertThrows(IllegalArgumentException.class, () -> g.pixels(Generator.Request.of(1, 0)));
            assertThrows(IllegalArgumentException.class, () -> g.pixels(Generator.Request.of(1, 1).withSteps(0)));
        }
    }
}
