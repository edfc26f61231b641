package org.tbcm4j.data;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import org.tbcm4j.util.Rng;

/**
 * A labelled image dataset as a folder tree, the layout torchvision's ImageFolder reads: {@code DIR/<class
 * name>/*.png|jpg|jpeg|bmp|gif}, and with {@code DIR/train/<class>/...} and {@code DIR/test/<class>/...}
 * the split is taken from them; otherwise a seeded held-out fraction of each class is the test split.
 * Class names are the folder names, sorted. Every image must be square, of one size, and all gray or all
 * colour (stored as 1 or 3 channels). Each file's dimensions are read from its header before it is
 * decoded, so a file claiming a huge image is refused without allocating it.
 */
public final class ImageFolder {
    /** Largest image edge accepted (the models here are small; a larger image is a mistake or an attack). */
    public static final int MAX_SIZE = 512;
    /** Most images loaded. */
    public static final int MAX_IMAGES = 1_000_000;
    private static final List<String> EXTENSIONS = List.of(".png", ".jpg", ".jpeg", ".bmp", ".gif");

    /** Both splits and what describes them. */
    public record Folder(LabeledImages train, LabeledImages test, List<String> classNames, int size, int channels) {}

    private ImageFolder() {}

    /** Whether {@code dir} looks like an image folder (a subfolder holding images, or train/ and test/). */
    public static boolean isImageFolder(Path dir) {
        return Files.isDirectory(dir.resolve("train")) || classDirs(dir).stream().anyMatch(d -> !images(d).isEmpty());
    }

    /**
     * Loads {@code dir}; without train/ and test/ subfolders, {@code testFraction} of each class (at least one
     * image) is held out, chosen by {@code seed}.
     */
    public static Folder load(Path dir, double testFraction, long seed) {
        if (!Files.isDirectory(dir)) {
            throw new DataException(dir + ": not a directory");
        }
        if (!(testFraction > 0 && testFraction < 1)) {
            throw new DataException("the held-out fraction must lie in (0, 1), got " + testFraction);
        }
        boolean split = Files.isDirectory(dir.resolve("train")) && Files.isDirectory(dir.resolve("test"));
        Path trainRoot = split ? dir.resolve("train") : dir;
        List<String> names = classDirs(trainRoot).stream().map(p -> p.getFileName().toString()).sorted().toList();
        if (names.size() < 2 || names.size() > 256) {
            throw new DataException(trainRoot + ": an image folder needs 2 to 256 class folders, found " + names.size());
        }
        Reader reader = new Reader();
        List<List<Path>> trainFiles = new ArrayList<>();
        List<List<Path>> testFiles = new ArrayList<>();
        for (int c = 0; c < names.size(); c++) {
            List<Path> files = images(trainRoot.resolve(names.get(c)));
            if (files.isEmpty()) {
                throw new DataException(trainRoot.resolve(names.get(c)) + ": no images (" + String.join(", ", EXTENSIONS) + ")");
            }
            if (split) {
                List<Path> test = images(dir.resolve("test").resolve(names.get(c)));
                if (test.isEmpty()) {
                    throw new DataException(dir.resolve("test").resolve(names.get(c)) + ": no test images for class '"
                            + names.get(c) + "'");
                }
                trainFiles.add(files);
                testFiles.add(test);
            } else {
                if (files.size() < 2) {
                    throw new DataException(trainRoot.resolve(names.get(c)) + ": one image cannot be split into train and test");
                }
                List<Path> shuffled = shuffle(files, Rng.of(seed, "image-folder-split-" + c, 0));
                int held = Math.max(1, (int) Math.round(testFraction * files.size()));
                testFiles.add(shuffled.subList(0, held));
                trainFiles.add(shuffled.subList(held, shuffled.size()));
            }
        }
        LabeledImages train = reader.read(trainFiles);
        LabeledImages test = reader.read(testFiles);
        return new Folder(train, test, names, reader.size, reader.channels);
    }

    /** Reads images, checking that they share one size and one colour mode. */
    private static final class Reader {
        int size = -1;
        int channels = -1;
        Path first;

        LabeledImages read(List<List<Path>> byClass) {
            int count = byClass.stream().mapToInt(List::size).sum();
            if (count > MAX_IMAGES) {
                throw new DataException("more than " + MAX_IMAGES + " images");
            }
            List<byte[]> pixels = new ArrayList<>();
            byte[] labels = new byte[count];
            int i = 0;
            for (int c = 0; c < byClass.size(); c++) {
                for (Path f : byClass.get(c)) {
                    pixels.add(decode(f));
                    labels[i++] = (byte) c;
                }
            }
            int per = channels * size * size;
            byte[] all = new byte[count * per];
            for (int k = 0; k < count; k++) {
                System.arraycopy(pixels.get(k), 0, all, k * per, per);
            }
            return new LabeledImages(all, labels, count, channels, size, size);
        }

        private byte[] decode(Path file) {
            BufferedImage img;
            try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
                Iterator<ImageReader> readers = in == null ? null : ImageIO.getImageReaders(in);
                if (readers == null || !readers.hasNext()) {
                    throw new DataException(file + ": not a readable image");
                }
                ImageReader r = readers.next();
                try {
                    r.setInput(in, true, true);
                    int w = r.getWidth(0);
                    int h = r.getHeight(0);
                    if (w != h || w < 1 || w > MAX_SIZE) {
                        throw new DataException(file + ": " + w + "×" + h + " pixels; images must be square and at most "
                                + MAX_SIZE + " pixels wide");
                    }
                    img = r.read(0);
                } finally {
                    r.dispose();
                }
            } catch (IOException | RuntimeException e) {
                if (e instanceof DataException d) {
                    throw d;
                }
                throw new DataException(file + ": cannot be read as an image (" + e.getMessage() + ")");
            }
            int gray = isGray(img) ? 1 : 3;
            if (size < 0) {
                size = img.getWidth();
                channels = gray;
                first = file;
            } else if (img.getWidth() != size) {
                throw new DataException(file + " is " + img.getWidth() + "×" + img.getWidth() + " but " + first + " is "
                        + size + "×" + size + ": every image must have one size");
            } else if (gray != channels) {
                throw new DataException(file + " is " + (gray == 1 ? "gray" : "colour") + " but " + first + " is "
                        + (channels == 1 ? "gray" : "colour") + ": every image must have one colour mode");
            }
            byte[] out = new byte[channels * size * size];
            for (int y = 0; y < size; y++) {
                for (int x = 0; x < size; x++) {
                    int rgb = img.getRGB(x, y);
                    if (channels == 1) {
                        out[y * size + x] = (byte) (rgb & 0xFF);
                    } else {
                        out[y * size + x] = (byte) ((rgb >> 16) & 0xFF);
                        out[size * size + y * size + x] = (byte) ((rgb >> 8) & 0xFF);
                        out[2 * size * size + y * size + x] = (byte) (rgb & 0xFF);
                    }
                }
            }
            return out;
        }
    }

    /** Gray when every pixel has equal red, green and blue (a gray PNG, or a colour file of gray pixels). */
    private static boolean isGray(BufferedImage img) {
        if (img.getColorModel().getNumColorComponents() == 1) {
            return true;
        }
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                int rgb = img.getRGB(x, y);
                int r = (rgb >> 16) & 0xFF;
                int g = (rgb >> 8) & 0xFF;
                if (r != g || g != (rgb & 0xFF)) {
                    return false;
                }
            }
        }
        return true;
    }

    private static List<Path> classDirs(Path dir) {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.filter(Files::isDirectory).filter(p -> !p.getFileName().toString().startsWith(".")).toList();
        } catch (IOException e) {
            throw new DataException(dir + ": cannot be listed (" + e.getMessage() + ")");
        }
    }

    private static List<Path> images(Path dir) {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.filter(Files::isRegularFile).filter(p -> EXTENSIONS.stream().anyMatch(
                    p.getFileName().toString().toLowerCase(Locale.ROOT)::endsWith)).sorted().toList();
        } catch (IOException e) {
            throw new DataException(dir + ": cannot be listed (" + e.getMessage() + ")");
        }
    }

    private static List<Path> shuffle(List<Path> files, Rng rng) {
        List<Path> out = new ArrayList<>(files);
        for (int i = out.size() - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            Path t = out.get(i);
            out.set(i, out.get(j));
            out.set(j, t);
        }
        return out;
    }
}
