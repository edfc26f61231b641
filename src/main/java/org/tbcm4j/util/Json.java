package org.tbcm4j.util;

import com.fasterxml.jackson.annotation.JacksonInject;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.InjectableValues;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.introspect.AnnotatedMember;
import com.fasterxml.jackson.databind.introspect.AnnotatedParameter;
import com.fasterxml.jackson.databind.introspect.JacksonAnnotationIntrospector;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;

/** Shared Jackson mappers: JSON for metadata, YAML for configs. */
public final class Json {
    /**
     * The injection id prefix behind {@link OptionalKey}: an optional creator parameter is an injectable with
     * a distinct id (Jackson wants one per parameter), and every id with this prefix injects null when the
     * document leaves the key out.
     */
    static final String ABSENT = "absent-optional-key";
    public static final ObjectMapper JSON = configure(new ObjectMapper());
    public static final ObjectMapper YAML = configure(new ObjectMapper(
            new YAMLFactory().disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)));

    private Json() {}

    /**
     * snake_case fields; a missing or unknown field is an error rather than a silent default, and so is
     * a fraction where a whole number is expected.
     */
    private static ObjectMapper configure(ObjectMapper m) {
        return m.setInjectableValues(new AbsentKeys()).setAnnotationIntrospector(new OptionalKeys())
                .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
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

    /** Reads {@link OptionalKey} on a creator parameter as an injectable that the document may override. */
    private static final class OptionalKeys extends JacksonAnnotationIntrospector {
        @Override
        public JacksonInject.Value findInjectableValue(AnnotatedMember m) {
            if (m.hasAnnotation(OptionalKey.class)) {
                String where = m instanceof AnnotatedParameter p ? p.getOwner().getName() + "#" + p.getIndex() : m.getFullName();
                return JacksonInject.Value.construct(ABSENT + where, Boolean.TRUE);
            }
            return super.findInjectableValue(m);
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
