package org.tbcm4j.data;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A dataset in the MNIST family's IDX layout: {@code train-images-idx3-ubyte[.gz]},
 * {@code train-labels-idx1-ubyte[.gz]} and the same with {@code t10k-} for the test split, square gray
 * images and byte labels. Nothing is downloaded: missing files are an error that says what to install.
 */
public final class IdxDataset {
    /** The two standard splits. */
    public enum Split {
        TRAIN("train"), TEST("t10k");

        private final String prefix;

        Split(String prefix) {
            this.prefix = prefix;
        }
    }

    private IdxDataset() {}

    /** Whether {@code dir} holds the training images file, raw or gzip. */
    public static boolean isIdx(Path dir) {
        String base = Split.TRAIN.prefix + "-images-idx3-ubyte";
        return Files.isRegularFile(dir.resolve(base)) || Files.isRegularFile(dir.resolve(base + ".gz"));
    }

    /**
     * Loads a split from {@code dir}, validating headers, that images are square, that labels lie below
     * {@code numClasses} and that the counts agree.
     */
    public static LabeledImages load(Path dir, Split split, int numClasses) {
        Path images = find(dir, split.prefix + "-images-idx3-ubyte");
        Path labels = find(dir, split.prefix + "-labels-idx1-ubyte");
        IdxReader.Idx img = IdxReader.read(images, 3);
        IdxReader.Idx lab = IdxReader.read(labels, 1);
        if (img.count() != lab.count()) {
            throw new DataException(images + " holds " + img.count() + " images but " + labels + " holds "
                    + lab.count() + " labels");
        }
        int size = img.dims()[1];
        if (img.dims()[2] != size || size > ImageFolder.MAX_SIZE) {
            throw new DataException(images + ": images are " + img.dims()[1] + "×" + img.dims()[2]
                    + "; they must be square and at most " + ImageFolder.MAX_SIZE + " pixels wide");
        }
        for (byte b : lab.data()) {
            if ((b & 0xFF) >= numClasses) {
                throw new DataException(labels + ": label " + (b & 0xFF) + " is outside 0.." + (numClasses - 1));
            }
        }
        return new LabeledImages(img.data(), lab.data(), img.count(), size, size);
    }

    /** The gzip file, else the raw one; if neither exists, an error naming what is missing. */
    private static Path find(Path dir, String base) {
        Path gz = dir.resolve(base + ".gz");
        if (Files.isRegularFile(gz)) {
            return gz;
        }
        Path raw = dir.resolve(base);
        if (Files.isRegularFile(raw)) {
            return raw;
        }
        String hint = dir.equals(Datasets.DEFAULT_DIR)
                ? " Install the default dataset with 'apt-get install -y dataset-fashion-mnist' (as root), or point "
                        + "--data at another dataset"
                : " Point --data at a directory holding " + base + "[.gz] or an image folder (DIR/<class>/*.png)";
        throw new DataException("dataset not found: " + gz + " does not exist." + hint);
    }
}
