package org.tbcm4j.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import org.tbcm4j.util.Json;

/**
 * Command-line {@code --set dotted.key=value} overrides of a config's YAML tree, checked against the config's record
 * type so that a typo or a wrongly typed value fails with a one-line message before the config is bound.
 */
public final class ConfigOverrides {
    private ConfigOverrides() {}

    /** YAML as in config files, but text after the value ({@code [1] 2}) is an error instead of being dropped. */
    private static final ObjectReader VALUE_READER = Json.YAML.reader()
            .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private static final Set<Class<?>> INTEGRAL = Set.of(byte.class, Byte.class, short.class, Short.class, int.class,
            Integer.class, long.class, Long.class);
    private static final Set<Class<?>> FRACTIONAL = Set.of(float.class, Float.class, double.class, Double.class);

    /** One checked assignment: where it goes in the tree and what it writes. */
    private record Assignment(List<String> path, JsonNode value) {}

    /**
     * Parses and checks "dotted.key=value" assignments against the record type {@code schema}, then writes each into
     * {@code document} (the parsed YAML tree of the config), replacing or adding the leaf. Later assignments of the
     * same key win. Returns {@code document}.
     *
     * <p>Every assignment is checked before any is written, so on a {@link ConfigException} the document is
     * unchanged. Range checks are left to the records' constructors when the whole document is bound.
     *
     * @throws ConfigException for a malformed assignment, a key the schema lacks, or a value of the wrong type; the
     *     message is one line starting with {@code --set} and the assignment as given
     */
    public static ObjectNode apply(ObjectNode document, List<String> assignments, Class<?> schema) {
        Objects.requireNonNull(document, "document");
        Objects.requireNonNull(schema, "schema");
        if (!schema.isRecord()) {
            throw new IllegalArgumentException("schema must be a record, got " + schema.getName());
        }
        List<Assignment> checked = new ArrayList<>();
        for (String assignment : assignments) {
            checked.add(check(Objects.requireNonNull(assignment, "assignment"), schema));
        }
        for (Assignment assignment : checked) {
            write(document, assignment);
        }
        return document;
    }

    private static Assignment check(String assignment, Class<?> schema) {
        int eq = assignment.indexOf('=');
        if (eq < 0) {
            throw fail(assignment, "expected KEY=VALUE");
        }
        String key = assignment.substring(0, eq).trim();
        if (key.isEmpty()) {
            throw fail(assignment, "empty key before '='");
        }
        List<String> path = Arrays.asList(key.split("\\.", -1));
        if (path.contains("")) {
            throw fail(assignment, "empty segment in key '" + key + "'");
        }
        JavaType type = leafType(assignment, path, schema);

        String raw = assignment.substring(eq + 1).trim();
        JsonNode value;
        try {
            value = VALUE_READER.readTree(raw);
        } catch (JsonProcessingException e) {
            throw fail(assignment, "not valid YAML (" + yamlProblem(e) + ")");
        }
        if (value == null || value.isMissingNode()) {
            throw fail(assignment, "empty value");
        }
        String problem = typeProblem(value, type, raw, key);
        if (problem != null) {
            throw fail(assignment, problem);
        }
        return new Assignment(path, value);
    }

    /** Walks the key through the schema's properties, as Jackson names them, to the leaf's type. */
    private static JavaType leafType(String assignment, List<String> path, Class<?> schema) {
        JavaType type = Json.YAML.constructType(schema);
        for (int i = 0; i < path.size(); i++) {
            String parent = String.join(".", path.subList(0, i));
            if (!isSection(type)) {
                throw fail(assignment, "'" + parent + "' is not a section");
            }
            Map<String, JavaType> properties = properties(type);
            JavaType next = properties.get(path.get(i));
            if (next == null) {
                String known = i == 0 ? "known: " : "known at '" + parent + "': ";
                throw fail(assignment, "unknown key '" + String.join(".", path.subList(0, i + 1)) + "' (" + known
                        + properties.keySet() + ")");
            }
            type = next;
        }
        return type;
    }

    /** The properties binding accepts, by their YAML names, in declaration order. */
    private static Map<String, JavaType> properties(JavaType type) {
        Map<String, JavaType> byName = new LinkedHashMap<>();
        for (BeanPropertyDefinition p : Json.YAML.getDeserializationConfig().introspect(type).findProperties()) {
            if (p.couldDeserialize()) {
                byName.put(p.getName(), p.getPrimaryType());
            }
        }
        return byName;
    }

    private static boolean isSection(JavaType type) {
        return type.getRawClass().isRecord();
    }

    /**
     * Why {@code value} does not fit {@code type}, or null if it does. The node kind is checked first because
     * binding alone is too lenient (it truncates 1.5 to an integer and accepts a string for a number).
     */
    private static String typeProblem(JsonNode value, JavaType type, String shown, String key) {
        Class<?> raw = type.getRawClass();
        String expected = expected(type);
        if (value.isNull()) {
            return raw.isPrimitive() ? "expected " + expected + ", got '" + shown + "'" : null;
        }
        boolean kindFits;
        if (INTEGRAL.contains(raw)) {
            kindFits = value.isIntegralNumber();
        } else if (FRACTIONAL.contains(raw)) {
            kindFits = value.isNumber();
        } else if (raw == boolean.class || raw == Boolean.class) {
            kindFits = value.isBoolean();
        } else if (raw == String.class) {
            kindFits = value.isValueNode();
        } else if (type.isArrayType() || type.isCollectionLikeType()) {
            if (!value.isArray()) {
                return "expected " + expected + ", got '" + shown + "'";
            }
            for (int i = 0; i < value.size(); i++) {
                JsonNode element = value.get(i);
                String problem = typeProblem(element, type.getContentType(), element.isTextual() ? element.asText()
                        : element.toString(), key + "[" + i + "]");
                if (problem != null) {
                    return "element [" + i + "]: " + problem;
                }
            }
            kindFits = true;
        } else if (isSection(type)) {
            kindFits = value.isObject();
        } else if (type.isEnumType()) {
            // Text only: binding would also take a number as the constant's index.
            kindFits = value.isTextual();
        } else {
            // A value type with its own creator (e.g. a list of guidance scales): binding decides.
            kindFits = true;
        }
        if (!kindFits) {
            return "expected " + expected + ", got '" + shown + "'";
        }
        if (INTEGRAL.contains(raw) && !fitsInteger(value, raw)) {
            return "'" + shown + "' is out of range for " + typeName(type);
        }
        try {
            Json.YAML.treeToValue(value, type);
            return null;
        } catch (JsonProcessingException | IllegalArgumentException e) {
            if (isSection(type) && e instanceof JsonMappingException m) {
                return Configs.mappingProblem(m, key);
            }
            Throwable cause = e.getCause() instanceof IllegalArgumentException own ? own : null;
            return cause != null ? cause.getMessage() : "expected " + expected + ", got '" + shown + "'";
        }
    }

    private static boolean fitsInteger(JsonNode value, Class<?> raw) {
        if (!value.canConvertToLong()) {
            return false;
        }
        long v = value.longValue();
        if (raw == byte.class || raw == Byte.class) {
            return v >= Byte.MIN_VALUE && v <= Byte.MAX_VALUE;
        }
        if (raw == short.class || raw == Short.class) {
            return v >= Short.MIN_VALUE && v <= Short.MAX_VALUE;
        }
        if (raw == int.class || raw == Integer.class) {
            return v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE;
        }
        return true;
    }

    /** What a value of this type looks like, for "expected ..." messages. */
    private static String expected(JavaType type) {
        Class<?> raw = type.getRawClass();
        String name = typeName(type);
        if (INTEGRAL.contains(raw)) {
            return "a whole number (" + name + ")";
        }
        if (FRACTIONAL.contains(raw)) {
            return "a number (" + name + ")";
        }
        if (raw == boolean.class || raw == Boolean.class) {
            return "true or false (" + name + ")";
        }
        if (raw == String.class) {
            return "a single value (String)";
        }
        if (type.isArrayType() || type.isCollectionLikeType()) {
            return "a list (" + name + ")";
        }
        if (isSection(type)) {
            return "a section (" + name + ")";
        }
        if (type.isEnumType()) {
            return "one of " + Arrays.stream(raw.getEnumConstants()).map(c -> ((Enum<?>) c).name())
                    .collect(Collectors.joining(", ", "[", "]")) + " (" + name + ")";
        }
        return "a value of type " + name;
    }

    private static String typeName(JavaType type) {
        if (type.isArrayType()) {
            return typeName(type.getContentType()) + "[]";
        }
        if (type.isCollectionLikeType()) {
            return type.getRawClass().getSimpleName() + "<" + typeName(type.getContentType()) + ">";
        }
        return type.getRawClass().getSimpleName();
    }

    /** SnakeYAML's message spans lines (context, an excerpt, a caret); keep its unindented statements. */
    private static String yamlProblem(JsonProcessingException e) {
        String problem = String.valueOf(e.getOriginalMessage()).lines()
                .filter(l -> !l.isBlank() && !Character.isWhitespace(l.charAt(0)))
                .collect(Collectors.joining(": "));
        return problem.isEmpty() ? firstLine(String.valueOf(e.getOriginalMessage())) : problem;
    }

    private static String firstLine(String s) {
        return s.lines().map(String::trim).filter(l -> !l.isEmpty()).findFirst().orElse(s.trim());
    }

    /** Writes one override, creating sections the document lacks. */
    private static void write(ObjectNode document, Assignment assignment) {
        List<String> path = assignment.path();
        ObjectNode node = document;
        for (String segment : path.subList(0, path.size() - 1)) {
            JsonNode child = node.get(segment);
            // The schema says this is a section; anything else here (absent, null, a stray scalar) becomes one, and
            // binding then reports whatever the section still lacks.
            node = child instanceof ObjectNode section ? section : node.putObject(segment);
        }
        node.set(path.get(path.size() - 1), assignment.value());
    }

    /** Keeps the message on one line even if the assignment itself spans lines. */
    private static ConfigException fail(String assignment, String why) {
        return new ConfigException(("--set " + assignment + ": " + why).replace("\r", "\\r").replace("\n", "\\n"));
    }
}
