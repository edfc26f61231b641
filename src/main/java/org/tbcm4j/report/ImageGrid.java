package org.tbcm4j.report;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.tbcm4j.util.AtomicFiles;

/**
 * A PNG grid of grey images: {@code rows} × {@code cols} tiles with pixels in [−1, 1], each tile
 * enlarged by an integer zoom and separated by a 2-pixel gap.
 */
public final class ImageGrid {
    private static final int GAP = 2;

    private ImageGrid() {}

    /**
     * @param pixels rows·cols images of height·width values, row-major, tile (r, c) at index r·cols + c
     */
    public static BufferedImage render(float[] pixels, int rows, int cols, int height, int width, int zoom) {
        if (pixels.length != rows * cols * height * width) {
            throw new IllegalArgumentException(pixels.length + " values do not make " + rows + "×" + cols + " tiles");
        }
        int tileW = width * zoom + GAP;
        int tileH = height * zoom + GAP;
        BufferedImage img = new BufferedImage(cols * tileW + GAP, rows * tileH + GAP, BufferedImage.TYPE_BYTE_GRAY);
        java.awt.Graphics2D g = img.createGraphics();
        g.setColor(new java.awt.Color(90, 90, 90));
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        g.dispose();
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                int base = (r * cols + c) * height * width;
                for (int y = 0; y < height; y++) {
                    for (int x = 0; x < width; x++) {
                        float v = pixels[base + y * width + x];
                        int grey = Math.max(0, Math.min(255, Math.round((v + 1f) * 127.5f)));
                        int rgb = (grey << 16) | (grey << 8) | grey;
                        for (int dy = 0; dy < zoom; dy++) {
                            for (int dx = 0; dx < zoom; dx++) {
                                img.setRGB(GAP + c * tileW + x * zoom + dx, GAP + r * tileH + y * zoom + dy, rgb);
                            }
                        }
                    }
                }
            }
        }
        return img;
    }

    /** Writes a PNG atomically. */
    public static void write(BufferedImage image, Path file) {
        AtomicFiles.write(file, png(image));
    }

    /** The image as PNG bytes. */
    public static byte[] png(BufferedImage image) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(image, "png", bytes)) {
                throw new IOException("no PNG writer");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode a PNG", e);
        }
        return bytes.toByteArray();
    }
}
