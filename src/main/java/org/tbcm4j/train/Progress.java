package org.tbcm4j.train;

import java.time.Duration;
import java.util.Locale;
import me.tongfei.progressbar.DelegatingProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * A progress bar that reads as a sentence: steps done, ETA, steps per second, then the loss and the
 * throughput in the task's own unit ({@code … 1.7 steps/s · loss -4.120 · 128 pairs/s}). In a terminal
 * it redraws in place; when output goes to a log file it prints one line every 30 seconds instead.
 */
public final class Progress implements AutoCloseable, TrainingListener {
    private static final int MAX_LENGTH = 160;
    private final ProgressBar bar;
    private final String unit;
    private final int examplesPerStep;

    /** @param unit what one example is, e.g. "pairs"; {@code examplesPerStep} of them per iteration */
    public Progress(String task, long total, long start, String unit, int examplesPerStep) {
        this.unit = unit;
        this.examplesPerStep = examplesPerStep;
        ProgressBarBuilder b = new ProgressBarBuilder().setTaskName(task).setInitialMax(total)
                .setStyle(ProgressBarStyle.ASCII).setUnit(" steps", 1).showSpeed().setMaxRenderedLength(MAX_LENGTH)
                .startsFrom(start, Duration.ZERO);
        if (System.console() == null) {
            b.setConsumer(new DelegatingProgressBarConsumer(System.out::println, MAX_LENGTH))
                    .setUpdateIntervalMillis(30_000);
        } else {
            b.setUpdateIntervalMillis(500);
        }
        this.bar = b.build();
    }

    /** One step done, with the latest loss and the examples per second of that step. */
    public void step(double loss, double examplesPerSecond) {
        bar.setExtraMessage(message(loss, examplesPerSecond, unit));
        bar.step();
    }

    @Override
    public void iterationEnded(Step step) {
        step(step.metrics().getOrDefault("loss", Double.NaN), examplesPerStep / step.seconds());
    }

    static String message(double loss, double examplesPerSecond, String unit) {
        return String.format(Locale.ROOT, " · loss %.4g · %.0f %s/s", loss, examplesPerSecond, unit);
    }

    @Override
    public void close() {
        bar.close();
    }
}
