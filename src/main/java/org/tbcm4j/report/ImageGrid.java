package org.tbcm4j.report;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.tbcm4j.util.AtomicFiles;

/**
 * A PNG grid of gray or RGB images: {@code rows} × {@code cols} tiles with pixels in [−1, 1], each tile
 * enlarged by an integer zoom and separated by a 2-pixel gap.
 */
public final class ImageGrid {
    private static final int GAP = 2;

    private ImageGrid() {}

    /**
     * @param pixels rows·cols images of channels·height·width values (channel planes, then rows), tile (r, c)
     *     at index r·cols + c
     * @param channels 1 (gray) or 3 (RGB)
     */
    public static BufferedImage render(float[] pixels, int rows, int cols, int channels, int height, int width,
            int zoom) {
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("images have 1 or 3 channels, not " + channels);
        }
        int plane = height * width;
        if (pixels.length != rows * cols * channels * plane) {
            throw new IllegalArgumentException(pixels.length + " values do not make " + rows + "×" + cols + " tiles");
        }
        int tileW = width * zoom + GAP;
        int tileH = height * zoom + GAP;
        BufferedImage img = new BufferedImage(cols * tileW + GAP, rows * tileH + GAP, channels == 1 ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_INT_RGB);
        java.awt.Graphics2D g = img.createGraphics();
        g.setColor(new java.awt.Color(90, 90, 90));
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        g.dispose();
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                int base = (r * cols + c) * channels * plane;
                for (int y = 0; y < height; y++) {
                    for (int x = 0; x < width; x++) {
                        int red = level(pixels[base + y * width + x]);
                        int rgb = channels == 1 ? (red << 16) | (red << 8) | red
                                : (red << 16) | (level(pixels[base + plane + y * width + x]) << 8)
                                        | level(pixels[base + 2 * plane + y * width + x]);
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

    /** A value in [−1, 1] as an 8-bit level. */
    private static int level(float v) {
        return Math.max(0, Math.min(255, Math.round((v + 1f) * 127.5f)));
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
