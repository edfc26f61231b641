package org.tbcm4j.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The parsed and fully validated header of a safetensors file: 8 bytes of little-endian header
 * length, a JSON header, then the tensors' bytes. Every tensor's dtype, shape and byte range are
 * checked against the file's size before any tensor is decoded, so a truncated or garbage file is
 * reported in one line instead of reaching the native decoder.
 */
public final class SafetensorsHeader {
    private static final long MAX_HEADER = 100L << 20;
    /** One JSON object: a repeated tensor name, or anything after the object but padding, is an error. */
    private static final ObjectMapper STRICT = new ObjectMapper()
            .enable(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final Map<String, Integer> DTYPE_BYTES = Map.of(
            "F64", 8, "F32", 4, "F16", 2, "BF16", 2, "I64", 8, "I32", 4, "I8", 1, "U8", 1, "BOOL", 1);

    /** One tensor's entry. */
    public record Entry(String name, String dtype, long[] shape, long begin, long end) {}

    private final List<Entry> entries;
    private final Map<String, String> metadata;
    private final long dataStart;

    private SafetensorsHeader(List<Entry> entries, Map<String, String> metadata, long dataStart) {
        this.entries = entries;
        this.metadata = metadata;
        this.dataStart = dataStart;
    }

    public List<Entry> entries() {
        return entries;
    }

    /** The {@code __metadata__} string map (empty when absent). */
    public Map<String, String> metadata() {
        return metadata;
    }

    /** Byte offset of the tensor data in the file. */
    public long dataStart() {
        return dataStart;
    }

    public static SafetensorsHeader read(Path file) {
        long size;
        try {
            size = Files.size(file);
        } catch (NoSuchFileException e) {
            throw new CheckpointException(file, "no such file");
        } catch (IOException e) {
            throw new CheckpointException(file, "cannot be read (" + e.getMessage() + ")");
        }
        if (size < 8) {
            throw new CheckpointException(file, "not a safetensors file: only " + size + " bytes");
        }
        try (InputStream in = Files.newInputStream(file)) {
            long headerLength = ByteBuffer.wrap(in.readNBytes(8)).order(ByteOrder.LITTLE_ENDIAN).getLong();
            if (headerLength <= 1 || headerLength > MAX_HEADER || headerLength > size - 8) {
                throw new CheckpointException(file, "not a safetensors file or truncated: header length "
                        + headerLength + " does not fit a file of " + size + " bytes");
            }
            String json = new String(in.readNBytes((int) headerLength), StandardCharsets.UTF_8);
            return parse(file, json, 8 + headerLength, size - 8 - headerLength);
        } catch (IOException e) {
            throw new CheckpointException(file, "cannot be read (" + e.getMessage() + ")");
        }
    }

    private static SafetensorsHeader parse(Path file, String json, long dataStart, long dataBytes) {
        JsonNode root;
        try {
            root = STRICT.readTree(json);
        } catch (IOException e) {
            String why = e instanceof com.fasterxml.jackson.core.JsonProcessingException p ? p.getOriginalMessage() : "";
            throw new CheckpointException(file, "not a safetensors file: its header is not valid JSON ("
                    + why.lines().findFirst().orElse("") + ")");
        }
        if (root == null || !root.isObject()) {
            throw new CheckpointException(file, "not a safetensors file: its header is not a JSON object");
        }
        List<Entry> entries = new ArrayList<>();
        Map<String, String> metadata = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> f : root.properties()) {
            if ("__metadata__".equals(f.getKey())) {
                f.getValue().properties().forEach(m -> metadata.put(m.getKey(), m.getValue().asText()));
            } else {
                entries.add(entry(file, f.getKey(), f.getValue()));
            }
        }
        checkRanges(file, entries, dataBytes);
        return new SafetensorsHeader(entries, metadata, dataStart);
    }

    private static Entry entry(Path file, String name, JsonNode n) {
        String dtype = n.path("dtype").asText("");
        Integer width = DTYPE_BYTES.get(dtype);
        JsonNode shapeNode = n.path("shape");
        JsonNode offsets = n.path("data_offsets");
        if (width == null || !shapeNode.isArray() || !offsets.isArray() || offsets.size() != 2) {
            throw new CheckpointException(file, "tensor " + name + " has a malformed entry: " + n);
        }
        long[] shape = new long[shapeNode.size()];
        long count = 1;
        for (int i = 0; i < shape.length; i++) {
            shape[i] = wholeNumber(shapeNode.get(i));
            if (shape[i] < 0) {
                throw new CheckpointException(file, "tensor " + name + " has a negative dimension");
            }
            count = count > Long.MAX_VALUE / 8 / Math.max(1, shape[i]) ? -1 : count * shape[i];
            if (count < 0) {
                throw new CheckpointException(file, "tensor " + name + " has shape " + shapeNode
                        + ", more values than any file holds");
            }
        }
        long begin = wholeNumber(offsets.get(0));
        long end = wholeNumber(offsets.get(1));
        if (begin < 0 || end < begin || end - begin != count * width) {
            throw new CheckpointException(file, "tensor " + name + " has byte range [" + begin + ", " + end
                    + ") that does not hold " + count + " values of " + dtype);
        }
        return new Entry(name, dtype, shape, begin, end);
    }

    /** A JSON whole number that fits a long, or -1 (refused by the callers) for anything else. */
    private static long wholeNumber(JsonNode n) {
        return n.isIntegralNumber() && n.canConvertToLong() ? n.asLong() : -1;
    }

    private static void checkRanges(Path file, List<Entry> entries, long dataBytes) {
        List<Entry> sorted = new ArrayList<>(entries);
        sorted.sort(Comparator.comparingLong(Entry::begin));
        long previousEnd = 0;
        for (Entry e : sorted) {
            if (e.begin() < previousEnd) {
                throw new CheckpointException(file, "tensor " + e.name() + " overlaps the previous tensor");
            }
            // the format indexes every data byte: a hole is a lie about some tensor's range
            if (e.begin() > previousEnd) {
                throw new CheckpointException(file, "tensor " + e.name() + " starts at byte " + e.begin()
                        + ", after a hole of " + (e.begin() - previousEnd) + " bytes no tensor holds");
            }
            previousEnd = e.end();
        }
        if (previousEnd > dataBytes) {
            throw new CheckpointException(file, "truncated: the tensors need " + previousEnd
                    + " bytes of data but the file holds " + dataBytes);
        }
        if (previousEnd < dataBytes) {
            throw new CheckpointException(file, "corrupt: " + (dataBytes - previousEnd)
                    + " bytes follow the last tensor");
        }
    }
}
