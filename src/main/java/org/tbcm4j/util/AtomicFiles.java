package org.tbcm4j.util;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The one way small files (configs, summaries, results, charts, reports) are written: to a temporary
 * file beside the target, then renamed into place, so a crash or a full disk leaves the old file or the
 * new one, never half of one, and no temporary file behind. An I/O failure names the file and the cause.
 */
public final class AtomicFiles {
    private AtomicFiles() {}

    public static void write(Path target, byte[] bytes) {
        Path tmp = null;
        try {
            tmp = TempFiles.besides(target);
            Files.write(tmp, bytes);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            tmp = null;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target, e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // the write already failed and says so; a stale hidden .tmp is removed at the next start
                }
            }
        }
    }
}
