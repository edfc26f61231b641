package org.tbcm4j.bench;

import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.tbcm4j.distill.DistillConfig;
import org.tbcm4j.distill.Distillation;
import org.tbcm4j.train.RunDirectory;
import org.tbcm4j.util.Trees;

/**
 * A short distillation run alone and beside a one-core busy loop, alternately, so that a user's laptop
 * (which always runs something else) is measured, not only an idle machine. The busy loop is a thread of
 * this JVM, which the scheduler treats as it would another program's; libtorch's threads do not know it.
 */
public final class SharedCpuBenchmark {
    /** One run: alone or beside the busy loop, its wall time (setup included) and pairs per second. */
    public record Segment(String condition, int round, double seconds, double pairsPerSecond) {}

    /** Medians per condition and their ratio; the threads and wait policy libtorch ran with. */
    public record Result(int threads, String waitPolicy, int cores, long steps, int pairsPerIteration,
            List<Segment> segments, double aloneMedian, double busyMedian, double busyOverAlone) {}

    static final String ALONE = "alone";
    static final String BUSY = "beside a one-core busy loop";
    /** The file that marks a run directory as this bench's scratch, so that only such a one is deleted. */
    static final String MARKER = ".bench-shared-cpu";

    private SharedCpuBenchmark() {}

    /** {@code rounds} runs of each condition, alternating, each a fresh run directory under {@code out}. */
    public static Result run(DistillConfig cfg, Path out, Path dataDir, int rounds, NDManager root) {
        if (rounds < 1) {
            throw new IllegalArgumentException("rounds must be at least 1");
        }
        List<Segment> segments = new ArrayList<>();
        int pairs = 0;
        for (int round = 0; round < rounds; round++) {
            for (String condition : new String[] {ALONE, BUSY}) {
                Path dir = out.resolve((condition.equals(ALONE) ? "alone-" : "busy-") + round);
                deleteOwnTree(dir);
                markAsOwn(dir);
                AtomicBoolean stop = new AtomicBoolean();
                Thread busy = condition.equals(BUSY) ? startBusyLoop(stop) : null;
                Distillation.Outcome o;
                try {
                    o = Distillation.run(cfg, new RunDirectory(dir), dataDir, false, 0, root);
                } finally {
                    stop.set(true);
                    join(busy);
                }
                pairs = o.pairsPerIteration();
                segments.add(new Segment(condition, round, o.seconds(),
                        cfg.training().steps() * (double) o.pairsPerIteration() / o.seconds()));
                deleteOwnTree(dir);
            }
        }
        double alone = median(segments, ALONE);
        double busy = median(segments, BUSY);
        String policy = System.getenv("OMP_WAIT_POLICY");
        return new Result(JniUtils.getNumThreads(), policy == null ? "(libgomp default: spin, then sleep)" : policy,
                Runtime.getRuntime().availableProcessors(), cfg.training().steps(), pairs, segments, alone, busy,
                busy / alone);
    }

    /** A thread that keeps one core busy with arithmetic until {@code stop} is set. */
    private static Thread startBusyLoop(AtomicBoolean stop) {
        Thread t = new Thread(() -> {
            double x = 1;
            while (!stop.get()) {
                for (int i = 0; i < 100_000; i++) {
                    x = x * 1.0000001 + 1e-9;
                }
            }
            if (x == 42) {
                System.out.print(""); // keeps the loop from being optimised away
            }
        }, "busy-loop");
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static void join(Thread t) {
        if (t == null) {
            return;
        }
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static double median(List<Segment> segments, String condition) {
        double[] v = segments.stream().filter(s -> s.condition().equals(condition))
                .mapToDouble(Segment::pairsPerSecond).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    /** Creates {@code dir} with the marker that lets a later bench remove it (after an interruption). */
    private static void markAsOwn(Path dir) {
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve(MARKER), "a scratch run of tbcm bench shared-cpu; removed when it ends\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir, e);
        }
    }

    /**
     * Removes a run directory this bench made (it holds the marker). One it did not make is refused, not
     * deleted: --out may name a directory holding someone's runs.
     */
    private static void deleteOwnTree(Path dir) {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)
                || !Files.isRegularFile(dir.resolve(MARKER), LinkOption.NOFOLLOW_LINKS)) {
            throw new IllegalArgumentException(dir + " exists and was not made by bench shared-cpu; "
                    + "choose another --out or remove it");
        }
        Trees.delete(dir);
    }
}
