package org.tbcm4j.data;

/** A dataset that is missing or malformed; the message names the file and how to fix it. */
public final class DataException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public DataException(String message) {
        super(message);
    }

    public DataException(String message, Throwable cause) {
        super(message, cause);
    }
}
