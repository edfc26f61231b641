package org.tbcm4j.data;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.tbcm4j.util.AtomicFiles;
import org.tbcm4j.util.Rng;

/**
 * A synthetic RGB dataset as an image folder: one coloured shape per image (circle, square, triangle,
 * cross, ring) of random colour, size and position on a dark background of random tint. A second dataset
 * anyone can make offline, of another size, colour mode and class count than Fashion-MNIST.
 */
public final class Shapes {
    // sorted, as an image folder lists its classes
    public static final List<String> CLASSES = List.of("circle", "cross", "ring", "square", "triangle");

    private Shapes() {}

    /** Writes {@code perClass} images of {@code size}×{@code size} pixels per class into {@code dir}/train and a tenth as many into {@code dir}/test. */
    public static void write(Path dir, int perClass, int size, long seed) {
        if (perClass < Datasets.MIN_PER_CLASS || perClass > 100_000 || size < 8 || size > 256) {
            throw new IllegalArgumentException("shapes: --per-class must be between " + Datasets.MIN_PER_CLASS
                    + " and 100000 and --size between 8 and 256");
        }
        int perClassTest = Math.max(2, perClass / 10);
        for (String split : List.of("train", "test")) {
            int n = "train".equals(split) ? perClass : perClassTest;
            for (int c = 0; c < CLASSES.size(); c++) {
                Path classDir = dir.resolve(split).resolve(CLASSES.get(c));
                try {
                    Files.createDirectories(classDir);
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot create " + classDir, e);
                }
                for (int i = 0; i < n; i++) {
                    Rng rng = Rng.of(seed, "shapes-" + split + "-" + c, i);
                    AtomicFiles.write(classDir.resolve(String.format("%05d.png", i)), png(draw(c, size, rng)));
                }
            }
        }
    }

    static BufferedImage draw(int shape, int size, Rng rng) {
        BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(new Color(rng.nextInt(40), rng.nextInt(40), rng.nextInt(40)));
        g.fillRect(0, 0, size, size);
        // a bright, saturated colour: hue uniform, so colour carries no class information
        g.setColor(Color.getHSBColor((float) rng.uniform(), 0.6f + 0.4f * (float) rng.uniform(),
                0.75f + 0.25f * (float) rng.uniform()));
        double edge = size * (0.35 + 0.3 * rng.uniform());
        double x = (size - edge) * rng.uniform();
        double y = (size - edge) * rng.uniform();
        int x0 = (int) Math.round(x);
        int y0 = (int) Math.round(y);
        int e = (int) Math.round(edge);
        float stroke = Math.max(1.5f, size / 12f);
        switch (CLASSES.get(shape)) {
            case "circle" -> g.fillOval(x0, y0, e, e);
            case "square" -> g.fillRect(x0, y0, e, e);
            case "triangle" -> g.fillPolygon(new int[] {x0, x0 + e / 2, x0 + e}, new int[] {y0 + e, y0, y0 + e}, 3);
            case "cross" -> {
                g.setStroke(new BasicStroke(stroke));
                g.drawLine(x0, y0, x0 + e, y0 + e);
                g.drawLine(x0, y0 + e, x0 + e, y0);
            }
            default -> {
                g.setStroke(new BasicStroke(stroke));
                g.drawOval(x0, y0, e, e);
            }
        }
        g.dispose();
        return img;
    }

    private static byte[] png(BufferedImage img) {
        try (ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            ImageIO.write(img, "png", out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
