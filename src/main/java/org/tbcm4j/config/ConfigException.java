package org.tbcm4j.config;

/** A config file that is missing or invalid; the message names the file and the field. */
public final class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message);
    }
}
