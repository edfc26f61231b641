package org.tbcm4j.experiment;

import java.nio.file.Path;
import java.util.Locale;

/** "[3/20 runs] tbcm seed 2 done in 8 min 12 s · ETA 2 h 05 min", from the runs finished in this invocation. */
final class ProgressLine {
    private final int total;
    private final long start = System.nanoTime();
    private int done;
    private int finishedHere;
    private int failed;

    ProgressLine(int total, int alreadyDone) {
        this.total = total;
        this.done = alreadyDone;
    }

    synchronized void started(String what, Path log) {
        System.out.printf(Locale.ROOT, "[%d/%d runs] %s: started (log: %s)%n", done, total, what, log);
    }

    synchronized void finished(String what, double seconds) {
        done++;
        finishedHere++;
        double perRun = (System.nanoTime() - start) / 1e9 / finishedHere;
        int left = total - done - failed;
        System.out.printf(Locale.ROOT, "[%d/%d runs] %s: done in %s%s%n", done, total, what, duration(seconds),
                left > 0 ? " · ETA " + duration(perRun * left) : "");
    }

    synchronized void failed(String what, String why) {
        failed++;
        System.out.printf(Locale.ROOT, "[%d/%d runs] %s: FAILED: %s%n", done, total, what, why);
    }

    static String duration(double seconds) {
        long s = Math.round(seconds);
        if (s < 60) {
            return s + " s";
        }
        if (s < 3600) {
            return String.format(Locale.ROOT, "%d min %02d s", s / 60, s % 60);
        }
        return String.format(Locale.ROOT, "%d h %02d min", s / 3600, (s % 3600) / 60);
    }
}
