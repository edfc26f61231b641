package org.tbcm4j.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunLockTest {
    @TempDir
    Path tmp;

    @Test
    void aSecondHolderIsRefusedInOneLineUntilTheFirstLetsGo() {
        Path run = tmp.resolve("runs/arm/seed-0");
        try (RunLock first = RunLock.acquire(run)) {
            RunFailure refused = assertThrows(RunFailure.class, () -> RunLock.acquire(run));
            assertTrue(refused.getMessage().startsWith(run + " is in use by another process (pid "
                    + ProcessHandle.current().pid() + ")"), refused.getMessage());
            assertEquals(1, refused.getMessage().lines().count(), refused.getMessage());
        }
        try (RunLock again = RunLock.acquire(run)) {
            assertTrue(run.resolve(RunLock.FILE).toFile().isFile());
        }
    }
}
