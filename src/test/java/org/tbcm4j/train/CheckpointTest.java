package org.tbcm4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tbcm4j.checkpoint.CheckpointException;
import org.tbcm4j.checkpoint.CheckpointFile;
import org.tbcm4j.checkpoint.ModelFile;
import org.tbcm4j.checkpoint.ModuleState;
import org.tbcm4j.model.DiT;
import org.tbcm4j.model.DiTConfig;
import org.tbcm4j.nn.AdamW;
import org.tbcm4j.nn.AttentionKind;
import org.tbcm4j.nn.Dual;
import org.tbcm4j.nn.OptimizerConfig;
import org.tbcm4j.nn.Tensors;
import org.tbcm4j.testing.JvpCheck;
import org.tbcm4j.testing.WithManager;
import org.tbcm4j.util.Rng;

class CheckpointTest extends WithManager {
    private static final DiTConfig CONFIG = new DiTConfig(4, 4, 1, 16, 2, 2, 2.0, AttentionKind.SOFTMAX, true, 10, 16, 1.0);
    @TempDir
    Path dir;

    private DiT model(long seed) {
        DiT d = new DiT(CONFIG);
        d.initialize(m, DataType.FLOAT32, seed);
        return d;
    }

    /**
     * Random, non-degenerate weights: with adaLN-zero's exact zeros some gradients start at 0, and Adam's
     * normalised update would blow last-bit noise of libtorch's threaded kernels up to lr·sign(noise).
     */
    private DiT trainedLooking(long seed) {
        DiT d = model(seed);
        org.tbcm4j.testing.JvpCheck.randomize(d, seed, 0.2);
        return d;
    }

    @Test
    void writtenFilesGetTheUmaskPermissionsOfAPlainFileAndNoTemporaryIsLeft() throws IOException {
        Path plain = Files.createFile(dir.resolve("plain"));
        Path file = dir.resolve("c.safetensors");
        CheckpointFile.write(file, Map.of("x", m.ones(new Shape(2))), Map.of());
        Path text = dir.resolve("t.txt");
        RunDirectory.writeAtomically(text, "hello");
        // Files.createTempFile would have made both owner-only (rw-------), whatever the umask.
        assertEquals(Files.getPosixFilePermissions(plain), Files.getPosixFilePermissions(file));
        assertEquals(Files.getPosixFilePermissions(plain), Files.getPosixFilePermissions(text));
        try (Stream<Path> left = Files.list(dir)) {
            assertEquals(java.util.Set.of("plain", "c.safetensors", "t.txt"),
                    left.map(p -> p.getFileName().toString()).collect(java.util.stream.Collectors.toSet()));
        }
    }

    @Test
    void tensorsAndMetadataRoundTripExactly() throws IOException {
        Map<String, NDArray> tensors = new LinkedHashMap<>();
        tensors.put("a.weight", Tensors.normal(m, Rng.of(1, "t", 0), new Shape(3, 5), DataType.FLOAT32, 1));
        tensors.put("b", Tensors.normal(m, Rng.of(2, "t", 0), new Shape(7), DataType.FLOAT64, 1));
        tensors.put("ids", m.create(new long[] {4, -2, 9}));
        Map<String, String> meta = Map.of("format", "x", "note", "ünïcode \"quoted\"");
        Path file = dir.resolve("rt.safetensors");
        CheckpointFile.write(file, tensors, meta);
        CheckpointFile.Contents c = CheckpointFile.read(file, m);
        assertEquals(meta, c.metadata());
        assertEquals(tensors.keySet(), c.tensors().keySet());
        for (String k : tensors.keySet()) {
            assertEquals(tensors.get(k).getDataType(), c.tensors().get(k).getDataType());
            assertArrayEquals(tensors.get(k).toByteArray(), c.tensors().get(k).toByteArray(), k);
        }
        // Standard layout: an 8-byte-aligned header that opens with __metadata__.
        byte[] bytes = Files.readAllBytes(file);
        long headerLength = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(0, headerLength % 8);
        assertTrue(new String(bytes, 8, 20, StandardCharsets.UTF_8).startsWith("{\"__metadata__\""));
    }

    @Test
    void resumedTrainingContinuesExactlyWhereItStopped() {
        DiT straight = trainedLooking(1);
        AdamW straightOpt = new AdamW(straight, OptimizerConfig.defaults(1e-2), m);
        for (int step = 1; step <= 3; step++) {
            trainStep(straight, straightOpt, step);
        }
        Path file = dir.resolve("ckpt.safetensors");
        TrainingCheckpoint.save(file, "teacher", CONFIG, straight, null, straightOpt, new TrainingState(3, 42, 3, 0));
        for (int step = 4; step <= 5; step++) {
            trainStep(straight, straightOpt, step);
        }
        DiT resumed = model(99);
        AdamW resumedOpt = new AdamW(resumed, OptimizerConfig.defaults(1e-2), m);
        TrainingState state = TrainingCheckpoint.restore(file, "teacher", resumed, null, resumedOpt, m);
        assertEquals(new TrainingState(3, 42, 3, 0), state);
        for (long step = state.step() + 1; step <= 5; step++) {
            trainStep(resumed, resumedOpt, step);
        }
        // A lost moment or step count moves weights by about lr = 1e-2; rounding noise stays far below 1e-5.
        straight.parameters().forEach((k, p) -> assertArrayEquals(p.array().toFloatArray(),
                resumed.parameters().get(k).array().toFloatArray(), 1e-5f, k));
    }

    private void trainStep(DiT dit, AdamW opt, long step) {
        try (var s = org.tbcm4j.nn.StepScope.open(m)) {
            Rng rng = Rng.of(7, "train", step);
            NDArray x = Tensors.normal(s.manager(), rng, new Shape(4, 4, 4, 4), DataType.FLOAT32, 1);
            NDArray tau = Tensors.uniform(s.manager(), rng, new Shape(4), DataType.FLOAT32, 0, 1);
            NDArray ids = s.manager().create(new long[] {0, 3, 9, 10});
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                gc.backward(dit.forward(Dual.of(x), Dual.of(tau), ids).value().sub(x).square().mean());
            }
            opt.step();
        }
    }

    @Test
    void aFailedWriteLeavesTheOldFileAndNoTemporaryFile() throws IOException {
        Path file = dir.resolve("model.safetensors");
        DiT d = model(1);
        ModelFile.write(file, "teacher", CONFIG, d);
        byte[] before = Files.readAllBytes(file);
        Map<String, NDArray> broken = new LinkedHashMap<>(ModuleState.tensors(d, "model."));
        NDArray closed = m.zeros(new Shape(2));
        closed.close();
        broken.put("model.closed", closed);
        assertThrows(RuntimeException.class, () -> CheckpointFile.write(file, broken, Map.of()));
        assertArrayEquals(before, Files.readAllBytes(file));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(1, files.count(), "no temporary file may remain");
        }
    }

    @Test
    void loadingIntoADifferentModelNamesTheFirstMismatch() {
        Path file = dir.resolve("model.safetensors");
        ModelFile.write(file, "teacher", CONFIG, model(1));
        DiT wider = new DiT(new DiTConfig(4, 4, 1, 32, 2, 2, 2.0, AttentionKind.SOFTMAX, true, 10, 16, 1.0));
        wider.initialize(m, DataType.FLOAT32, 1);
        CheckpointException e = assertThrows(CheckpointException.class,
                () -> TrainingCheckpoint.restore(file, "teacher", wider, null, null, m));
        assertTrue(e.getMessage().contains("tensor model.pos_embed has shape (1, 16, 16) but the model expects (1, 16, 32)"),
                e.getMessage());
        assertTrue(e.getMessage().startsWith(file.toString()));
        DiT deeper = new DiT(new DiTConfig(4, 4, 1, 16, 3, 2, 2.0, AttentionKind.SOFTMAX, true, 10, 16, 1.0));
        deeper.initialize(m, DataType.FLOAT32, 1);
        e = assertThrows(CheckpointException.class, () -> ModuleState.load(deeper,
                CheckpointFile.read(file, m).tensors(), "model.", file));
        assertTrue(e.getMessage().contains("missing tensor model.blocks.2."), e.getMessage());
        DiT shallower = new DiT(new DiTConfig(4, 4, 1, 16, 1, 2, 2.0, AttentionKind.SOFTMAX, true, 10, 16, 1.0));
        shallower.initialize(m, DataType.FLOAT32, 1);
        e = assertThrows(CheckpointException.class, () -> ModuleState.load(shallower,
                CheckpointFile.read(file, m).tensors(), "model.", file));
        assertTrue(e.getMessage().contains("unexpected tensor model.blocks.1."), e.getMessage());
    }

    @Test
    void theKindIsChecked() {
        Path file = dir.resolve("model.safetensors");
        ModelFile.write(file, "student", CONFIG, model(1));
        CheckpointException e = assertThrows(CheckpointException.class,
                () -> TrainingCheckpoint.restore(file, "teacher", model(2), null, null, m));
        assertTrue(e.getMessage().contains("holds a student model where a teacher is expected"), e.getMessage());
    }

    @Test
    void truncatedFilesGiveAClearErrorAtEveryLength() throws IOException {
        Path good = dir.resolve("good.safetensors");
        ModelFile.write(good, "teacher", CONFIG, model(1));
        byte[] bytes = Files.readAllBytes(good);
        Path cut = dir.resolve("cut.safetensors");
        long headerEnd = 8 + ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        for (int length : new int[] {0, 3, 8, 9, (int) headerEnd - 1, (int) headerEnd, (int) headerEnd + 1,
            bytes.length / 2, bytes.length - 1}) {
            Files.write(cut, Arrays.copyOf(bytes, length));
            CheckpointException e = assertThrows(CheckpointException.class, () -> CheckpointFile.read(cut, m),
                    "length " + length);
            assertTrue(e.getMessage().startsWith(cut.toString() + ": "), e.getMessage());
            assertEquals(1, e.getMessage().lines().count(), "one line");
        }
    }

    @Test
    void garbageAndMalformedHeadersGiveAClearError() throws IOException {
        Path bad = dir.resolve("bad.safetensors");
        byte[] noise = new byte[4096];
        new java.util.Random(3).nextBytes(noise);
        Files.write(bad, noise);
        assertThrows(CheckpointException.class, () -> CheckpointFile.read(bad, m));
        for (String header : new String[] {
            "not json at all", "[1, 2]", "{\"w\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [0, 4]}}",
            "{\"w\": {\"dtype\": \"Q7\", \"shape\": [1], \"data_offsets\": [0, 4]}}",
            "{\"w\": {\"dtype\": \"F32\", \"shape\": [-1], \"data_offsets\": [0, 4]}}",
            "{\"w\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [0, 4]},"
                + " \"v\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [2, 6]}}"}) {
            byte[] h = header.getBytes(StandardCharsets.UTF_8);
            ByteBuffer b = ByteBuffer.allocate(8 + h.length + 8).order(ByteOrder.LITTLE_ENDIAN);
            b.putLong(h.length).put(h);
            Files.write(bad, b.array());
            CheckpointException e = assertThrows(CheckpointException.class, () -> CheckpointFile.read(bad, m), header);
            assertTrue(e.getMessage().startsWith(bad.toString()), e.getMessage());
        }
        CheckpointException missing = assertThrows(CheckpointException.class,
                () -> CheckpointFile.read(dir.resolve("absent.safetensors"), m));
        assertTrue(missing.getMessage().endsWith("absent.safetensors: no such file"), missing.getMessage());
    }
}
