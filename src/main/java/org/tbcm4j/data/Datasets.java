package org.tbcm4j.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * Opens {@code --data}: IDX files (the MNIST layout) or an image folder (torchvision's ImageFolder layout),
 * checks that it can train a model (two classes or more, every class present in both splits, a few images
 * per class) and fingerprints it. Fashion-MNIST, as Debian installs it, is the default.
 */
public final class Datasets {
    public static final Path DEFAULT_DIR = Path.of("/usr/share/datasets/fashion-mnist");
    /** Names of an IDX dataset's classes, one per line, beside its files. */
    public static final String NAMES_FILE = "classes.txt";
    /** Fraction of each class an image folder without train/ and test/ holds out, and the seed choosing it. */
    public static final double HELD_OUT = 0.1;
    public static final long SPLIT_SEED = 0;
    /** Fewest training images per class: one image is not a distribution (the tests' toy datasets have 4). */
    public static final int MIN_PER_CLASS = 2;

    private Datasets() {}

    /** The dataset at {@code dir} (null: the default). */
    public static Dataset open(Path dir) {
        Path d = dir == null ? DEFAULT_DIR : dir;
        Dataset set;
        if (IdxDataset.isIdx(d) || !Files.isDirectory(d)) {
            set = openIdx(d);
        } else if (ImageFolder.isImageFolder(d)) {
            ImageFolder.Folder f = ImageFolder.load(d, HELD_OUT, SPLIT_SEED);
            set = new Dataset(d.toString(), f.train(), f.test(), f.classNames(), f.size(), f.channels(),
                    fingerprint(f.train(), f.test(), f.classNames()));
        } else {
            throw new DataException(d + ": neither IDX files (train-images-idx3-ubyte[.gz] and the rest) nor an image "
                    + "folder (" + d + "/<class name>/*.png)");
        }
        requireTrainable(set);
        return set;
    }

    private static Dataset openIdx(Path d) {
        List<String> names = idxNames(d);
        // Without a names file, classes are numbered: as many as the largest training label allows.
        int limit = names != null ? names.size() : 256;
        LabeledImages train = IdxDataset.load(d, IdxDataset.Split.TRAIN, limit);
        LabeledImages test = IdxDataset.load(d, IdxDataset.Split.TEST, limit);
        if (names == null) {
            int max = 0;
            for (int i = 0; i < train.size(); i++) {
                max = Math.max(max, train.label(i));
            }
            names = new ArrayList<>();
            for (int c = 0; c <= max; c++) {
                names.add(Integer.toString(c));
            }
            for (int i = 0; i < test.size(); i++) {
                if (test.label(i) > max) {
                    throw new DataException(d + ": test label " + test.label(i) + " never occurs in training");
                }
            }
        }
        if (train.height() != test.height()) {
            throw new DataException(d + ": training images are " + train.height() + " pixels wide but test images "
                    + test.height());
        }
        return new Dataset(d.toString(), train, test, List.copyOf(names), train.height(), 1,
                fingerprint(train, test, names));
    }

    /** DIR/classes.txt, else Fashion-MNIST's names for its Debian directory, else null (numbered classes). */
    private static List<String> idxNames(Path d) {
        Path file = d.resolve(NAMES_FILE);
        try {
            if (Files.isRegularFile(file)) {
                if (Files.size(file) > 1 << 20) {
                    throw new DataException(file + ": larger than 1 MiB");
                }
                return checkNames(Files.readAllLines(file, StandardCharsets.UTF_8), file.toString());
            }
            if (d.toAbsolutePath().normalize().equals(DEFAULT_DIR)) {
                try (InputStream in = Objects.requireNonNull(Datasets.class.getResourceAsStream("fashion-mnist.classes"))) {
                    return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
                }
            }
            return null;
        } catch (IOException e) {
            throw new DataException(file + ": cannot be read (" + e.getMessage() + ")");
        }
    }

    private static List<String> checkNames(List<String> lines, String file) {
        List<String> names = lines.stream().map(String::strip).filter(s -> !s.isEmpty()).toList();
        if (names.size() < 2 || names.size() > 256) {
            throw new DataException(file + ": needs 2 to 256 class names, one per line; found " + names.size());
        }
        if (names.stream().distinct().count() != names.size()) {
            throw new DataException(file + ": a class name is repeated");
        }
        for (String n : names) {
            if (n.length() > 100 || n.chars().anyMatch(Character::isISOControl)) {
                throw new DataException(file + ": class name '" + n.substring(0, Math.min(20, n.length()))
                        + "' is longer than 100 characters or holds control characters");
            }
        }
        return names;
    }

    private static void requireTrainable(Dataset set) {
        if (set.numClasses() < 2) {
            throw new DataException(set.source() + ": one class only; a class-conditional model needs two or more");
        }
        int[] train = counts(set.train(), set.numClasses());
        int[] test = counts(set.test(), set.numClasses());
        for (int c = 0; c < train.length; c++) {
            if (train[c] < MIN_PER_CLASS) {
                throw new DataException(set.source() + ": class '" + set.classNames().get(c) + "' has " + train[c]
                        + " training images; at least " + MIN_PER_CLASS + " are needed");
            }
            if (test[c] < 1) {
                throw new DataException(set.source() + ": class '" + set.classNames().get(c) + "' has no test images");
            }
        }
        if (set.size() < 8 || set.size() % 4 != 0) {
            throw new DataException(set.source() + ": images are " + set.size() + "×" + set.size() + "; the autoencoder "
                    + "downsamples twice by 2, so the edge must be a multiple of 4 and at least 8");
        }
    }

    private static int[] counts(LabeledImages images, int classes) {
        int[] n = new int[classes];
        for (int i = 0; i < images.size(); i++) {
            n[images.label(i)]++;
        }
        return n;
    }

    /** SHA-256 (first 16 hex digits) of both splits' shapes, pixels and labels and of the class names. */
    static String fingerprint(LabeledImages train, LabeledImages test, List<String> names) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (LabeledImages split : List.of(train, test)) {
                sha.update((split.size() + "x" + split.channels() + "x" + split.height() + "x" + split.width() + ";")
                        .getBytes(StandardCharsets.UTF_8));
                split.digest(sha);
            }
            sha.update(String.join("\n", names).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(sha.digest()).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
