package org.tbcm4j.util;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The machine's 1-minute load average (Linux's /proc/loadavg): the runnable threads, ours included. A run
 * alone on C cores that keeps them busy reads about C; anything above that is other work beside it, which
 * is what makes a time measured on a shared machine worthless, so runs record it next to their times.
 */
public final class MachineLoad {
    private MachineLoad() {}

    /** The 1-minute load average, or NaN where /proc/loadavg is unavailable. */
    public static double oneMinute() {
        try {
            String text = Files.readString(Path.of("/proc/loadavg")).strip();
            return Double.parseDouble(text.substring(0, text.indexOf(' ')));
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }
}
