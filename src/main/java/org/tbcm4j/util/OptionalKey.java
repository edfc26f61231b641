package org.tbcm4j.util;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The one mark of an optional config key: on a record component, the key may be left out of the document
 * or given as null (an absent section, e.g. no evaluation); the component is then null and the record's own
 * constructor gives its default. Every unmarked key must be present with a value (the mappers refuse a
 * missing one, and config binding an empty one), so {@code training: ~} is one clear error.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.RECORD_COMPONENT, ElementType.PARAMETER})
public @interface OptionalKey {}
