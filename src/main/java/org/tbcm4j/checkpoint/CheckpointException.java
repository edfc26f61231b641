package org.tbcm4j.checkpoint;

import java.nio.file.Path;

/** A checkpoint that cannot be read or does not fit the model; the message names the file. */
public final class CheckpointException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CheckpointException(Path file, String problem) {
        super(file + ": " + problem);
    }

    public CheckpointException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
    }
}
