package org.tbcm4j.util;

/**
 * A run that cannot go on for a reason the user can act on (its steps are being skipped, its teacher
 * produces non-finite values): reported as one line with what to change, never as a stack trace.
 */
public final class RunFailure extends RuntimeException {
    public RunFailure(String message) {
        super(message);
    }
}
