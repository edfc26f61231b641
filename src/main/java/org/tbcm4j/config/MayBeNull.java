package org.tbcm4j.config;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a config record component that may be null (an absent section, e.g. no evaluation): every other
 * component must have a value after binding, so {@code training: ~} is one clear error, not a
 * NullPointerException later.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.RECORD_COMPONENT)
public @interface MayBeNull {}
