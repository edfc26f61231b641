package org.tbcm4j.util;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Resident and peak-resident memory of this process, from /proc/self/status (Linux). */
public final class ProcessMemory {
    private ProcessMemory() {}

    /** Current resident set size in bytes, or -1 where /proc is unavailable. */
    public static long residentBytes() {
        return field("VmRSS:");
    }

    /** Peak resident set size (high-water mark) in bytes, or -1 where /proc is unavailable. */
    public static long peakResidentBytes() {
        return field("VmHWM:");
    }

    /**
     * Resets the peak (VmHWM) to the current resident size, so that a later {@link #peakResidentBytes()}
     * is the peak since now (Linux's clear_refs "5"); false where the kernel does not allow it.
     */
    public static boolean resetPeak() {
        try {
            Files.writeString(Path.of("/proc/self/clear_refs"), "5");
            return true;
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return false;
        }
    }

    private static long field(String name) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(name)) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }
}
