package org.tbcm4j.util;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.InjectableValues;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;

/** Shared Jackson mappers: JSON for metadata, YAML for configs. */
public final class Json {
    /**
     * Marks an optional config key: {@code @JacksonInject(value = Json.ABSENT + "name", useInput = OptBoolean.TRUE)}
     * on a record component makes an absent key null instead of a "missing field" error. Jackson wants a
     * distinct id per component of a record, hence the suffix; every id starting with ABSENT injects null.
     */
    public static final String ABSENT = "absent-optional-key";
    public static final ObjectMapper JSON = configure(new ObjectMapper());
    public static final ObjectMapper YAML = configure(new ObjectMapper(
            new YAMLFactory().disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)));

    private Json() {}

    /**
     * snake_case fields; a missing or unknown field is an error rather than a silent default, and so is
     * a fraction where a whole number is expected.
     */
    private static ObjectMapper configure(ObjectMapper m) {
        return m.setInjectableValues(new AbsentKeys()).setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT);
    }

    /** Injects null for every optional key (ids starting with {@link #ABSENT}) that a document leaves out. */
    private static final class AbsentKeys extends InjectableValues {
        @Override
        public Object findInjectableValue(Object valueId, com.fasterxml.jackson.databind.DeserializationContext context,
                com.fasterxml.jackson.databind.BeanProperty forProperty, Object beanInstance) {
            if (valueId instanceof String id && id.startsWith(ABSENT)) {
                return null;
            }
            throw new IllegalStateException("no injectable value " + valueId);
        }
    }

    /** Compact JSON of a value; our value types always serialise. */
    public static String write(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + value.getClass().getSimpleName(), e);
        }
    }
}
