package org.tbcm4j.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.tbcm4j.util.Json;

/** Reads a YAML config into a record; every failure names the file and the field. */
public final class Configs {
    private Configs() {}

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
            JsonNode tree = Json.YAML.readTree(Files.readString(file));
            if (!(tree instanceof ObjectNode document)) {
                throw new ConfigException(file + ": not a YAML mapping of config keys");
            }
            ConfigOverrides.apply(document, overrides, type);
            return Json.YAML.treeToValue(document, type);
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
