package org.tbcm4j.util;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;

/** Temporary files for write-then-rename, next to their target so that the rename is atomic. */
public final class TempFiles {
    private TempFiles() {}

    /**
     * An empty, new, hidden file beside {@code target}. Unlike {@link Files#createTempFile}, which always
     * makes it owner-only (0600), it gets the permissions the user's umask gives any new file, so the
     * renamed result is as readable as a file written in place.
     */
    /** Whether {@code file} is one of ours ({@link #besides}), left behind if its write was interrupted. */
    public static boolean isTemporary(Path file) {
        String name = file.getFileName().toString();
        return name.startsWith(".") && name.endsWith(".tmp") && Files.isRegularFile(file);
    }

    public static Path besides(Path target) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        while (true) {
            String suffix = Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36);
            try {
                return Files.createFile(dir.resolve("." + target.getFileName() + "." + suffix + ".tmp"));
            } catch (FileAlreadyExistsException e) {
                // Another writer picked the same name: draw again.
            }
        }
    }
}
