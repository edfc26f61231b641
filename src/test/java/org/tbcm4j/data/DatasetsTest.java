package org.tbcm4j.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Opening --data: IDX or image folder, class names, the fingerprint, and datasets too poor to train on. */
class DatasetsTest {
    @TempDir
    Path tmp;

    /** IDX files of {@code n} training and {@code n / 2} test images, {@code size} pixels, labels i mod classes. */
    static Path idx(Path dir, int n, int size, int classes) throws IOException {
        Files.createDirectories(dir);
        for (String prefix : List.of("train", "t10k")) {
            int count = "train".equals(prefix) ? n : n / 2;
            byte[] pixels = new byte[count * size * size];
            for (int i = 0; i < pixels.length; i++) {
                pixels[i] = (byte) (i * 31 % 256);
            }
            byte[] labels = new byte[count];
            for (int i = 0; i < count; i++) {
                labels[i] = (byte) (i % classes);
            }
            Files.write(dir.resolve(prefix + "-images-idx3-ubyte"), file(2051, new int[] {count, size, size}, pixels));
            Files.write(dir.resolve(prefix + "-labels-idx1-ubyte"), file(2049, new int[] {count}, labels));
        }
        return dir;
    }

    private static byte[] file(int magic, int[] dims, byte[] data) {
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + data.length);
        b.putInt(magic);
        for (int d : dims) {
            b.putInt(d);
        }
        return b.put(data).array();
    }

    @Test
    void idxClassesAreNumberedUnlessANamesFileNamesThem() throws IOException {
        Path dir = idx(tmp.resolve("digits"), 60, 16, 3);
        Dataset numbered = Datasets.open(dir);
        assertEquals(List.of("0", "1", "2"), numbered.classNames());
        assertEquals(16, numbered.size());
        assertEquals(1, numbered.channels());
        assertEquals(60, numbered.train().size());
        Files.writeString(dir.resolve("classes.txt"), "zero\none\ntwo\n");
        Dataset named = Datasets.open(dir);
        assertEquals(List.of("zero", "one", "two"), named.classNames());
        // the names are part of what a model learned: renaming a class is another dataset
        assertNotEquals(numbered.fingerprint(), named.fingerprint());
        assertEquals(named.fingerprint(), Datasets.open(dir).fingerprint());
        Files.writeString(dir.resolve("classes.txt"), "zero\none\n");
        assertTrue(assertThrows(DataException.class, () -> Datasets.open(dir)).getMessage().contains("label 2 is outside"));
    }

    @Test
    void theFingerprintChangesWithOnePixel() throws IOException {
        Path a = idx(tmp.resolve("a"), 60, 16, 3);
        Path b = idx(tmp.resolve("b"), 60, 16, 3);
        assertEquals(Datasets.open(a).fingerprint(), Datasets.open(b).fingerprint());
        byte[] images = Files.readAllBytes(b.resolve("t10k-images-idx3-ubyte"));
        images[images.length - 1] ^= 1;
        Files.write(b.resolve("t10k-images-idx3-ubyte"), images);
        assertNotEquals(Datasets.open(a).fingerprint(), Datasets.open(b).fingerprint());
    }

    @Test
    void anImageFolderOpensWithItsFolderNames() throws IOException {
        Path dir = tmp.resolve("shapes");
        Shapes.write(dir, 10, 32, 3);
        Dataset d = Datasets.open(dir);
        assertEquals(Shapes.CLASSES, d.classNames());
        assertEquals(3, d.channels());
        assertEquals(32, d.size());
        assertEquals(50, d.train().size());
        assertEquals(10, d.test().size());
    }

    @Test
    void datasetsTooPoorToTrainOnAreOneLineEach() throws IOException {
        assertMessage(idx(tmp.resolve("one-class"), 40, 16, 1), "one class only");
        assertMessage(idx(tmp.resolve("few"), 5, 16, 5), "has 1 training images; at least 2");
        assertMessage(idx(tmp.resolve("odd-size"), 40, 18, 2), "multiple of 4");
        Path empty = tmp.resolve("empty");
        Files.createDirectories(empty.resolve("x"));
        assertMessage(empty, "neither IDX files");
        assertMessage(tmp.resolve("missing"), "does not exist");
    }

    private static void assertMessage(Path dir, String expected) {
        String message = assertThrows(DataException.class, () -> Datasets.open(dir)).getMessage();
        assertTrue(message.contains(expected), message);
    }
}
