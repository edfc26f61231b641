package org.tbcm4j.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Fashion-MNIST as Debian's {@code dataset-fashion-mnist} package installs it. Nothing is downloaded:
 * a missing dataset is an error that says how to install it.
 */
public final class FashionMnist {
    public static final Path DEFAULT_DIR = Path.of("/usr/share/datasets/fashion-mnist");
    public static final int NUM_CLASSES = 10;
    public static final List<String> CLASS_NAMES = List.of(
            "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

    /** The two standard splits. */
    public enum Split {
        TRAIN("train"), TEST("t10k");

        private final String prefix;

        Split(String prefix) {
            this.prefix = prefix;
        }
    }

    private FashionMnist() {}

    /** Loads a split from {@code dir}, validating headers, sizes, label range and that counts agree. */
    public static LabeledImages load(Path dir, Split split) {
        Path images = find(dir, split.prefix + "-images-idx3-ubyte");
        Path labels = find(dir, split.prefix + "-labels-idx1-ubyte");
        IdxReader.Idx img = IdxReader.read(images, 3);
        IdxReader.Idx lab = IdxReader.read(labels, 1);
        if (img.count() != lab.count()) {
            throw new DataException(images + " holds " + img.count() + " images but " + labels + " holds "
                    + lab.count() + " labels");
        }
        if (img.dims()[1] != 28 || img.dims()[2] != 28) {
            throw new DataException(images + ": images are " + img.dims()[1] + "×" + img.dims()[2] + ", expected 28×28");
        }
        for (byte b : lab.data()) {
            if ((b & 0xFF) >= NUM_CLASSES) {
                throw new DataException(labels + ": label " + (b & 0xFF) + " is outside 0.." + (NUM_CLASSES - 1));
            }
        }
        return new LabeledImages(img.data(), lab.data(), img.count(), 28, 28);
    }

    /** The gzip file, else the raw one; if neither exists, an error saying how to get the dataset. */
    private static Path find(Path dir, String base) {
        Path gz = dir.resolve(base + ".gz");
        if (Files.isRegularFile(gz)) {
            return gz;
        }
        Path raw = dir.resolve(base);
        if (Files.isRegularFile(raw)) {
            return raw;
        }
        throw new DataException("Fashion-MNIST not found: " + gz + " does not exist. Install it with "
                + "'apt-get install -y dataset-fashion-mnist' (as root), or point --data at a directory holding "
                + base + "[.gz]");
    }
}
