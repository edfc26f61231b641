package org.tbcm4j.train;

import java.time.Duration;
import me.tongfei.progressbar.DelegatingProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * A progress bar showing the figures that matter (loss, throughput, ETA). In a terminal it redraws in
 * place; when output goes to a log file it prints one line every 30 seconds instead.
 */
public final class Progress implements AutoCloseable {
    private final ProgressBar bar;

    public Progress(String task, long total, long start) {
        ProgressBarBuilder b = new ProgressBarBuilder().setTaskName(task).setInitialMax(total)
                .setStyle(ProgressBarStyle.ASCII).showSpeed().startsFrom(start, Duration.ZERO);
        if (System.console() == null) {
            b.setConsumer(new DelegatingProgressBarConsumer(System.out::println)).setUpdateIntervalMillis(30_000);
        } else {
            b.setUpdateIntervalMillis(500);
        }
        this.bar = b.build();
    }

    public void step(String message) {
        bar.setExtraMessage(message);
        bar.step();
    }

    @Override
    public void close() {
        bar.close();
    }
}
