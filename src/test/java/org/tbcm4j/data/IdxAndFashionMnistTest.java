package org.tbcm4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tbcm4j.util.Backend;

class IdxAndFashionMnistTest {
    @TempDir
    Path dir;

    private static byte[] idx(int magic, int[] dims, byte[] data) {
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + data.length);
        b.putInt(magic);
        for (int d : dims) {
            b.putInt(d);
        }
        b.put(data);
        return b.array();
    }

    private static byte[] gzip(byte[] raw) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
            gz.write(raw);
        }
        return bytes.toByteArray();
    }

    /** A tiny dataset in Fashion-MNIST's layout: n images of 28×28 and n labels. */
    private void writeSplit(String prefix, int n, int labelCount, boolean compress) throws IOException {
        byte[] pixels = new byte[n * 784];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (byte) (i % 256);
        }
        byte[] labels = new byte[labelCount];
        for (int i = 0; i < labelCount; i++) {
            labels[i] = (byte) (i % 10);
        }
        byte[] img = idx(2051, new int[] {n, 28, 28}, pixels);
        byte[] lab = idx(2049, new int[] {labelCount}, labels);
        String suffix = compress ? ".gz" : "";
        Files.write(dir.resolve(prefix + "-images-idx3-ubyte" + suffix), compress ? gzip(img) : img);
        Files.write(dir.resolve(prefix + "-labels-idx1-ubyte" + suffix), compress ? gzip(lab) : lab);
    }

    @Test
    void readsRawAndGzipAlike() throws IOException {
        byte[] data = {1, 2, 3, 4, 5, 6};
        Files.write(dir.resolve("a"), idx(0x0803, new int[] {1, 2, 3}, data));
        Files.write(dir.resolve("a.gz"), gzip(idx(0x0803, new int[] {1, 2, 3}, data)));
        for (String name : new String[] {"a", "a.gz"}) {
            IdxReader.Idx read = IdxReader.read(dir.resolve(name), 3);
            assertArrayEquals(new int[] {1, 2, 3}, read.dims());
            assertArrayEquals(data, read.data());
        }
    }

    @Test
    void rejectsBadMagicTruncationTrailingBytesAndCorruptGzip() throws IOException {
        Path f = dir.resolve("x");
        Files.write(f, idx(2049, new int[] {4}, new byte[4]));
        assertMessage(() -> IdxReader.read(f, 3), "bad IDX magic number 0x00000801");
        Files.write(f, idx(0x0C03, new int[] {1, 1, 1}, new byte[4]));
        assertMessage(() -> IdxReader.read(f, 3), "bad IDX magic number");
        Files.write(f, new byte[] {0, 0});
        assertMessage(() -> IdxReader.read(f, 1), "truncated IDX file (no header)");
        Files.write(f, Arrays.copyOf(idx(2051, new int[] {2, 28, 28}, new byte[2 * 784]), 10));
        assertMessage(() -> IdxReader.read(f, 3), "truncated IDX file (incomplete header)");
        byte[] full = idx(2051, new int[] {2, 28, 28}, new byte[2 * 784]);
        Files.write(f, Arrays.copyOf(full, full.length - 5));
        assertMessage(() -> IdxReader.read(f, 3), "truncated IDX file: 1563 of 1568 data bytes");
        Files.write(f, Arrays.copyOf(full, full.length + 3));
        assertMessage(() -> IdxReader.read(f, 3), "bytes follow");
        byte[] gz = gzip(full);
        Files.write(f, Arrays.copyOf(gz, gz.length / 2));
        assertMessage(() -> IdxReader.read(f, 3), f.toString());
        byte[] corrupt = gz.clone();
        for (int i = 12; i < 40; i++) {
            corrupt[i] ^= 0x5A;
        }
        Files.write(f, corrupt);
        assertMessage(() -> IdxReader.read(f, 3), f.toString());
    }

    @Test
    void splitValidationNamesTheProblem() throws IOException {
        writeSplit("train", 3, 3, true);
        LabeledImages ok = IdxDataset.load(dir, IdxDataset.Split.TRAIN, 10);
        assertEquals(3, ok.size());
        writeSplit("t10k", 3, 4, false);
        assertMessage(() -> IdxDataset.load(dir, IdxDataset.Split.TEST, 10), "holds 3 images but");
        assertMessage(() -> IdxDataset.load(dir.resolve("nowhere"), IdxDataset.Split.TEST, 10),
                "does not exist");
        Files.write(dir.resolve("t10k-labels-idx1-ubyte"), idx(2049, new int[] {3}, new byte[] {1, 12, 3}));
        assertMessage(() -> IdxDataset.load(dir, IdxDataset.Split.TEST, 10), "label 12 is outside 0..9");
    }

    @Test
    void pixelsMapToMinusOneToOne() throws IOException {
        writeSplit("train", 2, 2, false);
        LabeledImages data = IdxDataset.load(dir, IdxDataset.Split.TRAIN, 10);
        try (NDManager m = Backend.newManager()) {
            float[] px = data.images(m, new int[] {0}).toFloatArray();
            assertEquals(-1f, px[0], 0f);
            assertEquals(1f, px[255], 0f);
            assertEquals(1.0f / 127.5f - 1f, px[1], 1e-7f);
            assertArrayEquals(new long[] {1, 0}, data.labels(m, new int[] {1, 0}).toLongArray());
        }
    }

    @Test
    void theInstalledDatasetIsCompleteAndBalanced() {
        LabeledImages train = IdxDataset.load(Datasets.DEFAULT_DIR, IdxDataset.Split.TRAIN, 10);
        LabeledImages test = IdxDataset.load(Datasets.DEFAULT_DIR, IdxDataset.Split.TEST, 10);
        assertEquals(60000, train.size());
        assertEquals(10000, test.size());
        int[] perClass = new int[10];
        for (int i = 0; i < test.size(); i++) {
            perClass[test.label(i)]++;
        }
        int[] thousand = new int[10];
        Arrays.fill(thousand, 1000);
        assertArrayEquals(thousand, perClass);
    }

    @Test
    void batchOrderIsASeededPermutationPerEpoch() {
        BatchOrder order = new BatchOrder(10, 3, 5);
        assertEquals(3, order.batchesPerEpoch());
        int[] seen = new int[10];
        for (int step = 0; step < 3; step++) {
            for (int i : order.batch(step)) {
                seen[i]++;
            }
        }
        assertTrue(Arrays.stream(seen).allMatch(c -> c <= 1), "no example twice in an epoch");
        assertEquals(9, Arrays.stream(seen).sum());
        // A fresh instance (a resumed run) gives the same batch at the same step.
        assertArrayEquals(order.batch(7), new BatchOrder(10, 3, 5).batch(7));
        assertNotEquals(Arrays.toString(order.batch(0)), Arrays.toString(order.batch(3)), "epochs are reshuffled");
        assertNotEquals(Arrays.toString(order.batch(0)), Arrays.toString(new BatchOrder(10, 3, 6).batch(0)));
    }

    private static void assertMessage(Runnable r, String fragment) {
        DataException e = assertThrows(DataException.class, r::run);
        assertTrue(e.getMessage().contains(fragment), e.getMessage());
        assertEquals(1, e.getMessage().lines().count(), "one line: " + e.getMessage());
    }
}
