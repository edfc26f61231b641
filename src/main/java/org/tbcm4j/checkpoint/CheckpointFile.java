package org.tbcm4j.checkpoint;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.tbcm4j.util.Json;
import org.tbcm4j.util.TempFiles;

/**
 * Named tensors plus string metadata in one safetensors file. Writing goes through DJL's NDList
 * SAFETENSORS encoding, with the metadata in the standard {@code __metadata__} entry, so other
 * safetensors readers open these files too; writes go to a temporary file that is renamed into place,
 * so a crash leaves the old file or the new one, never half of one. Reading validates the whole header
 * against the file's size first and then reads only the tensors asked for, each from its byte range.
 */
public final class CheckpointFile {
    private CheckpointFile() {}

    /** What a file holds. */
    public record Contents(Map<String, NDArray> tensors, Map<String, String> metadata) {}

    public static void write(Path file, Map<String, NDArray> tensors, Map<String, String> metadata) {
        Path dir = file.toAbsolutePath().getParent();
        Path tmp = null;
        try {
            Files.createDirectories(dir);
            byte[] encoded = encode(tensors);
            tmp = TempFiles.besides(file);
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE);
                    OutputStream out = java.nio.channels.Channels.newOutputStream(ch)) {
                writeWithMetadata(out, encoded, metadata);
                out.flush();
                ch.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            tmp = null;
        } catch (IOException e) {
            throw new CheckpointException(file, "cannot be written (" + e.getMessage() + ")", e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // The temporary file's name starts with a dot; a stale one harms nothing.
                }
            }
        }
    }

    /**
     * Reads only the tensors whose names {@code wanted} accepts, each from its byte range, after the whole
     * header has been validated against the file's size: a stranger's file costs at most the bytes of the
     * tensors asked for, never its junk. Tensors are created in {@code manager}.
     */
    public static Contents read(Path file, NDManager manager, java.util.function.Predicate<String> wanted) {
        return read(file, SafetensorsHeader.read(file), manager, wanted);
    }

    /** The same with the file's header already read and validated (by {@link SafetensorsHeader#read}). */
    static Contents read(Path file, SafetensorsHeader header, NDManager manager,
            java.util.function.Predicate<String> wanted) {
        Map<String, NDArray> tensors = new LinkedHashMap<>();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            for (SafetensorsHeader.Entry e : header.entries()) {
                if (wanted.test(e.name())) {
                    NDArray a = decode(file, ch, header.dataStart(), e, manager);
                    a.setName(e.name());
                    tensors.put(e.name(), a);
                }
            }
        } catch (IOException e) {
            throw new CheckpointException(file, "cannot be read (" + e.getMessage() + ")", e);
        }
        return new Contents(tensors, header.metadata());
    }

    /** One tensor's bytes (little-endian) as a libtorch-owned array of its dtype. */
    private static NDArray decode(Path file, FileChannel ch, long dataStart, SafetensorsHeader.Entry e,
            NDManager manager) throws IOException {
        long bytes = e.end() - e.begin();
        if (bytes > Integer.MAX_VALUE - 8) {
            throw new CheckpointException(file, "tensor " + e.name() + " has " + bytes + " bytes, over the 2 GiB "
                    + "a tensor may have here");
        }
        ByteBuffer buf = ByteBuffer.allocate((int) bytes).order(ByteOrder.LITTLE_ENDIAN);
        long at = dataStart + e.begin();
        while (buf.hasRemaining()) {
            if (ch.read(buf, at + buf.position()) < 0) {
                throw new CheckpointException(file, "truncated inside tensor " + e.name());
            }
        }
        buf.flip();
        ai.djl.ndarray.types.Shape shape = new ai.djl.ndarray.types.Shape(e.shape());
        switch (e.dtype()) {
            case "F32" -> {
                float[] v = new float[(int) (bytes / 4)];
                buf.asFloatBuffer().get(v);
                return org.tbcm4j.nn.NativeArrays.of(manager, v, shape);
            }
            case "F64" -> {
                double[] v = new double[(int) (bytes / 8)];
                buf.asDoubleBuffer().get(v);
                return org.tbcm4j.nn.NativeArrays.of(manager, v, shape);
            }
            case "I64" -> {
                long[] v = new long[(int) (bytes / 8)];
                buf.asLongBuffer().get(v);
                return org.tbcm4j.nn.NativeArrays.of(manager, v, shape);
            }
            default -> throw new CheckpointException(file, "tensor " + e.name() + " is " + e.dtype()
                    + "; tbcm4j files hold F32, F64 or I64 tensors");
        }
    }

    /** Reads and validates a whole file; tensors are created in {@code manager}. */
    public static Contents read(Path file, NDManager manager) {
        return read(file, manager, name -> true);
    }

    private static byte[] encode(Map<String, NDArray> tensors) throws IOException {
        NDList list = new NDList(tensors.size());
        for (Map.Entry<String, NDArray> e : tensors.entrySet()) {
            NDArray a = e.getValue();
            a.setName(e.getKey());
            list.add(a);
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        list.encode(bytes, NDList.Encoding.SAFETENSORS);
        return bytes.toByteArray();
    }

    /** Re-emits DJL's encoding with {@code __metadata__} added and the header padded to 8 bytes. */
    private static void writeWithMetadata(OutputStream out, byte[] encoded, Map<String, String> metadata)
            throws IOException {
        int headerLength = (int) ByteBuffer.wrap(encoded, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        ObjectNode header = (ObjectNode) Json.JSON.readTree(new String(encoded, 8, headerLength, StandardCharsets.UTF_8));
        ObjectNode withMeta = Json.JSON.createObjectNode();
        ObjectNode meta = withMeta.putObject("__metadata__");
        // sorted: a Map.of iterates in an order that changes from JVM to JVM, and the bytes must not
        new java.util.TreeMap<>(metadata).forEach(meta::put);
        withMeta.setAll(header);
        byte[] json = Json.JSON.writeValueAsBytes(withMeta);
        int padded = (json.length + 7) / 8 * 8;
        byte[] headerBytes = Arrays.copyOf(json, padded);
        Arrays.fill(headerBytes, json.length, padded, (byte) ' ');
        out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, padded).array());
        out.write(headerBytes);
        out.write(encoded, 8 + headerLength, encoded.length - 8 - headerLength);
    }
}
