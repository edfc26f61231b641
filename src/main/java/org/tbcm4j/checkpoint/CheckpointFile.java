package org.tbcm4j.checkpoint;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
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
 * Named tensors plus string metadata in one safetensors file. The tensors go through DJL's NDList
 * SAFETENSORS encoding; the metadata goes into the standard {@code __metadata__} entry (which DJL's
 * decoder skips), so other safetensors readers open these files too. Writes go to a temporary file
 * that is renamed into place: a crash leaves the old file or the new one, never half of one.
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

    /** Reads and validates a file; tensors are created in {@code manager}. */
    public static Contents read(Path file, NDManager manager) {
        SafetensorsHeader header = SafetensorsHeader.read(file);
        NDList list;
        try (InputStream in = Files.newInputStream(file)) {
            list = NDList.decode(manager, in);
        } catch (IOException | RuntimeException e) {
            throw new CheckpointException(file, "cannot be decoded (" + e.getMessage() + ")", e);
        }
        Map<String, NDArray> tensors = new LinkedHashMap<>();
        for (NDArray a : list) {
            tensors.put(a.getName(), a);
        }
        if (tensors.size() != header.entries().size()) {
            throw new CheckpointException(file, "decoded " + tensors.size() + " tensors, the header lists "
                    + header.entries().size());
        }
        return new Contents(tensors, header.metadata());
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
        metadata.forEach(meta::put);
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
