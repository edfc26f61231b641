package org.tbcm4j.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.lang.reflect.RecordComponent;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.tbcm4j.util.Json;
import org.tbcm4j.util.OptionalKey;

/** Reads a YAML config into a record; every failure names the file and the field. */
public final class Configs {
    private Configs() {}

    /** A config is a page of keys; a larger file is a mistake or an attack, refused before it is parsed. */
    public static final long MAX_BYTES = 1 << 20;
    private static final PropertyNamingStrategies.NamingBase SNAKE =
            (PropertyNamingStrategies.NamingBase) PropertyNamingStrategies.SNAKE_CASE;

    private static final Pattern MISSING_CREATOR_PROPERTY = Pattern.compile("^Missing creator property '([^']+)'");

    public static <T> T load(Path file, Class<T> type) {
        return load(file, type, List.of());
    }

    /**
     * Reads the config, applies {@code --set key=value} overrides (checked against {@code type}, see
     * {@link ConfigOverrides}), then binds it; every failure is one line naming the file or the override.
     */
    public static <T> T load(Path file, Class<T> type, List<String> overrides) {
        try {
            long size = Files.size(file);
            if (size > MAX_BYTES) {
                throw new ConfigException(file + ": " + size + " bytes; a config is at most " + MAX_BYTES + " bytes");
            }
            ObjectNode document = document(file, Files.readString(file));
            ConfigOverrides.apply(document, overrides, type);
            T config = Json.YAML.treeToValue(document, type);
            requirePresent(file, config, "");
            return config;
        } catch (NoSuchFileException e) {
            throw new ConfigException(file + ": no such config file");
        } catch (JsonMappingException e) {
            throw new ConfigException(file + ": " + mappingProblem(e, ""));
        } catch (JsonProcessingException e) {
            String first = e.getOriginalMessage().lines().findFirst().orElse("").trim();
            String where = e.getLocation() == null ? ""
                    : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
            throw new ConfigException(file + ": not valid YAML (" + first + where + ")");
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot be read (" + e.getMessage() + ")");
        }
    }

    /**
     * The file's one YAML document as a mapping: duplicate keys (Jackson's strict detection) and a second
     * document are errors, not a silent last-one-wins or an ignored tail.
     */
    private static ObjectNode document(Path file, String text) throws IOException {
        try (JsonParser parser = Json.YAML.getFactory().createParser(text)) {
            parser.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
            JsonNode tree = Json.YAML.readTree(parser);
            if (tree == null || tree.isMissingNode() || tree.isNull()) {
                throw new ConfigException(file + ": empty (no config keys)");
            }
            if (!(tree instanceof ObjectNode document)) {
                throw new ConfigException(file + ": not a YAML mapping of config keys");
            }
            if (parser.nextToken() != null) {
                throw new ConfigException(file + ": holds more than one YAML document (only one config per file)");
            }
            return document;
        }
    }

    /**
     * Refuses an empty value ({@code training: ~}) where the config needs one: every component of the bound
     * records, and every element of their lists, must be present unless marked {@link OptionalKey}.
     */
    private static void requirePresent(Path file, Object value, String path) {
        if (value instanceof java.util.Collection<?> items) {
            int i = 0;
            for (Object item : items) {
                if (item == null) {
                    throw new ConfigException(file + ": field '" + path + "[" + i + "]' is empty");
                }
                requirePresent(file, item, path + "[" + i + "]");
                i++;
            }
            return;
        }
        if (value == null || !value.getClass().isRecord()) {
            return;
        }
        for (RecordComponent c : value.getClass().getRecordComponents()) {
            Object v;
            try {
                v = c.getAccessor().invoke(value);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot read config component " + c.getName(), e);
            }
            String key = (path.isEmpty() ? "" : path + ".") + SNAKE.translate(c.getName());
            if (v == null && !mayBeNull(c)) {
                throw new ConfigException(file + ": field '" + key + "' is empty; give it a value");
            }
            if (v instanceof Double d && !Double.isFinite(d)) {
                throw new ConfigException(file + ": field '" + key + "' = " + d + " is not a finite number");
            }
            requirePresent(file, v, key);
        }
    }

    private static boolean mayBeNull(RecordComponent c) {
        return c.isAnnotationPresent(OptionalKey.class);
    }

    /**
     * A binding error in one line: an unknown field, a missing one, or the field and why (the records' own
     * validation messages are the most precise, so the deepest cause wins). {@code prefix} is the dotted
     * key the bound node sits at ("" for a whole config).
     */
    static String mappingProblem(JsonMappingException e, String prefix) {
        String field = path(e, prefix);
        if (e instanceof UnrecognizedPropertyException u) {
            return "unknown field '" + field + "' (known: " + u.getKnownPropertyIds() + ")";
        }
        Matcher m = MISSING_CREATOR_PROPERTY.matcher(String.valueOf(e.getOriginalMessage()));
        if (m.find()) {
            String name = m.group(1);
            return "missing field '" + (field.equals(name) || field.endsWith("." + name) ? field
                    : (field.isEmpty() ? "" : field + ".") + name) + "'";
        }
        return (e.getPath().isEmpty() ? "" : "field '" + field + "': ") + rootMessage(e);
    }

    /** The dotted path of the field a mapping error is about, e.g. {@code training.lr}, below {@code prefix}. */
    private static String path(JsonMappingException e, String prefix) {
        StringBuilder b = new StringBuilder(prefix);
        for (JsonMappingException.Reference r : e.getPath()) {
            if (r.getFieldName() != null) {
                b.append(b.length() == 0 ? "" : ".").append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                b.append('[').append(r.getIndex()).append(']');
            }
        }
        return b.toString();
    }

    /** Our own validation messages (thrown by record constructors) are the most precise; prefer them. */
    private static String rootMessage(JsonMappingException e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String msg = t instanceof JsonProcessingException p ? p.getOriginalMessage() : t.getMessage();
        return msg == null ? e.getOriginalMessage() : msg.lines().findFirst().orElse(msg);
    }
}
