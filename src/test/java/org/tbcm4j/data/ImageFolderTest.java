package org.tbcm4j.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tbcm4j.testing.WithManager;

/** Image folders: coloured shapes drawn here, read back with their classes, splits and refusals. */
class ImageFolderTest extends WithManager {
    @TempDir
    Path tmp;

    /** {@code perClass} images of each of three shapes, {@code size} pixels, in colour or gray. */
    static Path shapes(Path dir, int perClass, int size, boolean colour) throws IOException {
        String[] names = {"circle", "square", "triangle"};
        for (int c = 0; c < names.length; c++) {
            Files.createDirectories(dir.resolve(names[c]));
            for (int i = 0; i < perClass; i++) {
                BufferedImage img = new BufferedImage(size, size, colour ? BufferedImage.TYPE_INT_RGB : BufferedImage.TYPE_BYTE_GRAY);
                Graphics2D g = img.createGraphics();
                g.setColor(colour ? new Color(40 * i % 256, 200, 90 * c % 256) : new Color(60 + 30 * i, 60 + 30 * i, 60 + 30 * i));
                int a = size / 4 + i % 3;
                switch (c) {
                    case 0 -> g.fillOval(a, a, size / 2, size / 2);
                    case 1 -> g.fillRect(a, a, size / 2, size / 2);
                    default -> g.fillPolygon(new int[] {size / 2, a, size - a}, new int[] {a, size - a, size - a}, 3);
                }
                g.dispose();
                ImageIO.write(img, "png", dir.resolve(names[c]).resolve("img" + i + ".png").toFile());
            }
        }
        return dir;
    }

    @Test
    void colourShapesLoadWithClassesAndASeededSplit() throws IOException {
        Path dir = shapes(tmp.resolve("shapes"), 6, 32, true);
        ImageFolder.Folder d = ImageFolder.load(dir, 1.0 / 3, 7);
        assertEquals(List.of("circle", "square", "triangle"), d.classNames());
        assertEquals(32, d.size());
        assertEquals(3, d.channels());
        assertEquals(12, d.train().size());
        assertEquals(6, d.test().size());
        NDArray batch = d.train().images(m, new int[] {0, 5});
        assertEquals(new ai.djl.ndarray.types.Shape(2, 3, 32, 32), batch.getShape());
        float[] v = batch.toFloatArray();
        assertTrue(v[0] >= -1 && v[0] <= 1);
        // the same seed holds out the same images
        ImageFolder.Folder again = ImageFolder.load(dir, 1.0 / 3, 7);
        assertEquals(java.util.Arrays.toString(d.test().images(m, new int[] {0, 1, 2}).toFloatArray()),
                java.util.Arrays.toString(again.test().images(m, new int[] {0, 1, 2}).toFloatArray()));
        // gray images load as one channel
        assertEquals(1, ImageFolder.load(shapes(tmp.resolve("gray"), 3, 28, false), 0.34, 1).channels());
    }

    @Test
    void trainAndTestFoldersAreTheSplit() throws IOException {
        shapes(tmp.resolve("split/train"), 4, 16, true);
        shapes(tmp.resolve("split/test"), 2, 16, true);
        ImageFolder.Folder d = ImageFolder.load(tmp.resolve("split"), 0.5, 0);
        assertEquals(12, d.train().size());
        assertEquals(6, d.test().size());
        assertTrue(ImageFolder.isImageFolder(tmp.resolve("split")));
    }

    @Test
    void badFoldersAreOneClearError() throws IOException {
        Path dir = shapes(tmp.resolve("bad"), 3, 32, true);
        ImageIO.write(new BufferedImage(28, 28, BufferedImage.TYPE_INT_RGB), "png", dir.resolve("circle/odd.png").toFile());
        assertTrue(assertThrows(DataException.class, () -> ImageFolder.load(dir, 0.34, 0)).getMessage()
                .contains("every image must have one size"));
        Files.delete(dir.resolve("circle/odd.png"));
        Files.writeString(dir.resolve("square/broken.png"), "not a png");
        assertTrue(assertThrows(DataException.class, () -> ImageFolder.load(dir, 0.34, 0)).getMessage()
                .contains("broken.png"));
        Files.delete(dir.resolve("square/broken.png"));
        ImageIO.write(new BufferedImage(600, 600, BufferedImage.TYPE_INT_RGB), "png", dir.resolve("square/huge.png").toFile());
        assertTrue(assertThrows(DataException.class, () -> ImageFolder.load(dir, 0.34, 0)).getMessage()
                .contains("at most 512"));
        Path one = Files.createDirectories(tmp.resolve("one/only"));
        ImageIO.write(new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB), "png", one.resolve("a.png").toFile());
        assertTrue(assertThrows(DataException.class, () -> ImageFolder.load(tmp.resolve("one"), 0.5, 0)).getMessage()
                .contains("2 to 256 class folders"));
    }
}
