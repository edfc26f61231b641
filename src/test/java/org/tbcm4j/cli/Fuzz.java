package org.tbcm4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.UnaryOperator;
import org.tbcm4j.util.Json;

/**
 * Corruptions of safetensors files, written independently of the project's reader: a file is 8 bytes of
 * header length, a JSON header, the data. Every corruption here makes a file that a careful reader must
 * refuse (no corruption that could leave a valid file, such as a flipped digit in a weight).
 */
final class Fuzz {
    private Fuzz() {}

    /** A safetensors file taken apart. */
    record Parts(String header, byte[] data) {
        ObjectNode json() {
            try {
                return (ObjectNode) Json.JSON.readTree(header);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** Tensor names in file order (by begin offset). */
        List<String> tensors() {
            List<String> names = new ArrayList<>();
            json().properties().forEach(e -> {
                if (!e.getKey().equals("__metadata__")) {
                    names.add(e.getKey());
                }
            });
            names.sort((a, b) -> Long.compare(begin(a), begin(b)));
            return names;
        }

        long begin(String tensor) {
            return json().get(tensor).get("data_offsets").get(0).asLong();
        }

        long end(String tensor) {
            return json().get(tensor).get("data_offsets").get(1).asLong();
        }
    }

    static Parts read(Path file) {
        try {
            byte[] all = Files.readAllBytes(file);
            int n = (int) ByteBuffer.wrap(all, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
            return new Parts(new String(all, 8, n, StandardCharsets.UTF_8).strip(), Arrays.copyOfRange(all, 8 + n, all.length));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The bytes of a file with this header (as given, padded with spaces to 8) and data. */
    static byte[] assemble(String header, byte[] data) {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        int padded = (h.length + 7) / 8 * 8;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded).array());
        out.writeBytes(h);
        out.writeBytes(" ".repeat(padded - h.length).getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(data);
        return out.toByteArray();
    }

    static Path write(Path to, byte[] bytes) {
        try {
            Files.write(to, bytes);
            return to;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path rewriteHeader(Path from, Path to, UnaryOperator<String> edit) {
        Parts p = read(from);
        return write(to, assemble(edit.apply(p.header()), p.data()));
    }

    static Path withMetadata(Path from, Path to, String key, String value) {
        Parts p = read(from);
        ObjectNode json = p.json();
        ((ObjectNode) json.get("__metadata__")).put(key, value);
        return write(to, assemble(json.toString(), p.data()));
    }

    /** The corruptions, by category; each takes the original file's bytes and a generator. */
    enum Safetensors {
        TRUNCATED {
            @Override
            byte[] apply(Path f, Random rng) throws IOException {
                byte[] all = Files.readAllBytes(f);
                return Arrays.copyOf(all, rng.nextInt(all.length));
            }
        },
        HEADER_BYTE_FLIP {
            @Override
            byte[] apply(Path f, Random rng) throws IOException {
                // a control character is invalid anywhere in JSON, inside a string or out, and in the padding
                byte[] all = Files.readAllBytes(f);
                int n = (int) ByteBuffer.wrap(all, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
                all[8 + rng.nextInt(n)] = (byte) (1 + rng.nextInt(8));
                return all;
            }
        },
        LYING_HEADER_LENGTH {
            @Override
            byte[] apply(Path f, Random rng) throws IOException {
                byte[] all = Files.readAllBytes(f);
                long n = ByteBuffer.wrap(all, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
                long lie = switch (rng.nextInt(4)) {
                    case 0 -> n + 1 + rng.nextInt(64);
                    case 1 -> Math.max(0, n - 1 - rng.nextInt((int) n));
                    case 2 -> rng.nextLong();
                    default -> (long) all.length + rng.nextInt(1 << 20);
                };
                ByteBuffer.wrap(all, 0, 8).order(ByteOrder.LITTLE_ENDIAN).putLong(lie == n ? n + 8 : lie);
                return all;
            }
        },
        LYING_SHAPE {
            @Override
            byte[] apply(Path f, Random rng) {
                Parts p = read(f);
                ObjectNode json = p.json();
                String t = pick(p.tensors(), rng);
                ArrayNode shape = (ArrayNode) json.get(t).get("shape");
                if (shape.isEmpty() || rng.nextBoolean()) {
                    shape.add(2 + rng.nextInt(3));
                } else {
                    int i = rng.nextInt(shape.size());
                    long[] lies = {shape.get(i).asLong() + 1, shape.get(i).asLong() * 2, 1L << 40, 1L << 62, -1};
                    shape.set(i, json.numberNode(lies[rng.nextInt(lies.length)]));
                }
                return assemble(json.toString(), p.data());
            }
        },
        LYING_OFFSETS {
            @Override
            byte[] apply(Path f, Random rng) {
                Parts p = read(f);
                ObjectNode json = p.json();
                String t = pick(p.tensors(), rng);
                ArrayNode offsets = (ArrayNode) json.get(t).get("data_offsets");
                int which = rng.nextInt(2);
                long delta = (rng.nextBoolean() ? 1 : -1) * 4L * (1 + rng.nextInt(16));
                offsets.set(which, json.numberNode(offsets.get(which).asLong() + delta));
                offsets.set(1 - which, json.numberNode(offsets.get(1 - which).asLong() + (rng.nextBoolean() ? delta : 0)));
                return assemble(json.toString(), p.data());
            }
        },
        DUPLICATE_TENSOR {
            @Override
            byte[] apply(Path f, Random rng) {
                Parts p = read(f);
                String t = pick(p.tensors(), rng);
                JsonNode entry = p.json().get(t);
                String text = p.header();
                String duplicate = Json.write(t) + ":" + entry;
                // the same key twice in one object: a lax parser keeps one silently
                return assemble(text.substring(0, text.length() - 1) + "," + duplicate + "}", p.data());
            }
        },
        MISSING_TENSOR {
            @Override
            byte[] apply(Path f, Random rng) {
                Parts p = read(f);
                List<String> names = p.tensors();
                String gone = pick(names, rng);
                ObjectNode json = p.json();
                long cut = p.end(gone) - p.begin(gone);
                ByteArrayOutputStream data = new ByteArrayOutputStream();
                for (String t : names) {
                    if (t.equals(gone)) {
                        continue;
                    }
                    data.write(p.data(), (int) p.begin(t), (int) (p.end(t) - p.begin(t)));
                    if (p.begin(t) > p.begin(gone)) {
                        ArrayNode o = (ArrayNode) json.get(t).get("data_offsets");
                        o.set(0, json.numberNode(p.begin(t) - cut));
                        o.set(1, json.numberNode(p.end(t) - cut));
                    }
                }
                json.remove(gone);
                return assemble(json.toString(), data.toByteArray());
            }
        },
        EXTRA_TENSOR {
            @Override
            byte[] apply(Path f, Random rng) {
                Parts p = read(f);
                ObjectNode json = p.json();
                String[] names = {"model.junk", "junk", "model.blocks.99.attn.qkv.weight", "ema.x", "x.y"};
                int values = 1 + rng.nextInt(4096);
                ObjectNode entry = json.putObject(names[rng.nextInt(names.length)]);
                entry.put("dtype", "F32");
                entry.putArray("shape").add(values);
                entry.putArray("data_offsets").add(p.data().length).add(p.data().length + 4L * values);
                byte[] data = Arrays.copyOf(p.data(), p.data().length + 4 * values);
                return assemble(json.toString(), data);
            }
        },
        NON_FINITE_VALUE {
            @Override
            byte[] apply(Path f, Random rng) {
                Parts p = read(f);
                List<String> floats = p.tensors().stream()
                        .filter(t -> p.json().get(t).get("dtype").asText().equals("F32") && p.end(t) > p.begin(t)).toList();
                String t = pick(floats, rng);
                long count = (p.end(t) - p.begin(t)) / 4;
                float[] bad = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY};
                byte[] data = p.data().clone();
                ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN)
                        .putFloat((int) (p.begin(t) + 4 * ((rng.nextLong() & Long.MAX_VALUE) % count)), bad[rng.nextInt(3)]);
                return assemble(p.header(), data);
            }
        },
        CONFIG_BOMB {
            @Override
            byte[] apply(Path f, Random rng) {
                Parts p = read(f);
                ObjectNode json = p.json();
                ObjectNode meta = (ObjectNode) json.get("__metadata__");
                String config = meta.get("config").asText();
                String[] bombs = {"100000", "65532", "2147483647", "-1", "0", "1e30", "\"x\"", "null", "[]"};
                List<String> keys = new ArrayList<>();
                try {
                    for (Iterator<Map.Entry<String, JsonNode>> it = Json.JSON.readTree(config).properties().iterator();
                            it.hasNext();) {
                        Map.Entry<String, JsonNode> e = it.next();
                        // time_scale scales the input only: any positive value is a valid model of the same shapes
                        if ((e.getValue().isNumber() || e.getValue().isArray()) && !e.getKey().equals("time_scale")) {
                            keys.add(e.getKey());
                        }
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                switch (rng.nextInt(5)) {
                    case 0 -> meta.put("config", "{\"not\": \"this model\"}");
                    case 1 -> meta.put("config", config.substring(0, rng.nextInt(config.length())));
                    case 2 -> meta.put("kind", rng.nextBoolean() ? "student" : "x".repeat(rng.nextInt(100)));
                    case 3 -> meta.put("format", "tbcm4j/" + (2 + rng.nextInt(9)));
                    default -> {
                        String key = pick(keys, rng);
                        String bomb = bombs[rng.nextInt(bombs.length)];
                        meta.put("config", config.replaceFirst("\"" + key + "\":(\\[[^]]*\\]|[^,}]*)", "\"" + key + "\":" + bomb));
                    }
                }
                return assemble(json.toString(), p.data());
            }
        };

        abstract byte[] apply(Path f, Random rng) throws IOException;
    }

    static <T> T pick(List<T> items, Random rng) {
        return items.get(rng.nextInt(items.size()));
    }
}
