package org.tbcm4j.util;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a tbcm command in a fresh JVM with this one's classpath and settings, so that its peak memory
 * is its own (VmHWM only grows, so two arms in one process could not be told apart). The child exits
 * when this JVM dies (it watches its standard input, a pipe from us), so a killed parent leaves no
 * orphan still writing into a run that the parent's next invocation resumes.
 */
public final class ChildProcess {
    /** The command line's entry point, by name: a child JVM runs it, so bench needs no compile-time link to cli. */
    private static final String MAIN_CLASS = String.join(".", "org", "tbcm4j", "cli", "Main");
    /** Set on children: exit as soon as standard input closes (the parent is gone). */
    public static final String EXIT_WITH_PARENT = "tbcm.exitWithParent";
    private static final String THREADS = "ai.djl.pytorch.num_threads";

    private ChildProcess() {}

    /** What happens to an existing log: a resumed run continues its log, a fresh one replaces it. */
    public enum Log { APPEND, REPLACE }

    /** Runs {@code tbcm args...}, its output replacing {@code log}; throws if it fails. */
    public static void run(Path log, String... args) {
        run(log, Log.REPLACE, 0, args);
    }

    /**
     * As {@link #run(Path, String...)}, with libtorch limited to {@code threads} threads (0: as this JVM),
     * so that several children can share the cores without oversubscribing them.
     */
    public static void run(Path log, Log mode, int threads, String... args) {
        Process p = start(log, mode, threads, args);
        try {
            int code = p.waitFor();
            if (code != 0) {
                throw new IllegalStateException("tbcm " + String.join(" ", args) + " failed with status " + code
                        + "; see " + log);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for tbcm " + String.join(" ", args), e);
        }
    }

    /** Starts {@code tbcm args...} as {@link #run} does, without waiting for it (e.g. to kill it). */
    public static Process start(Path log, Log mode, int threads, String... args) {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.add("-Xmx" + Runtime.getRuntime().maxMemory() / (1024 * 1024) + "m");
        command.add("-D" + EXIT_WITH_PARENT + "=true");
        for (String property : new String[] {"ai.djl.offline", "tbcm.home", "java.awt.headless", THREADS,
            "ai.djl.pytorch.num_interop_threads"}) {
            String value = threads > 0 && property.equals(THREADS) ? String.valueOf(threads) : System.getProperty(property);
            if (value != null) {
                command.add("-D" + property + "=" + value);
            }
        }
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(MAIN_CLASS);
        command.addAll(List.of(args));
        try {
            java.nio.file.Files.createDirectories(log.toAbsolutePath().getParent());
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(mode == Log.APPEND ? ProcessBuilder.Redirect.appendTo(log.toFile())
                            : ProcessBuilder.Redirect.to(log.toFile()));
            if (threads > 0) {
                builder.environment().put("OMP_NUM_THREADS", String.valueOf(threads));
                builder.environment().put("MKL_NUM_THREADS", String.valueOf(threads));
            }
            return builder.start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start a child JVM: " + e.getMessage(), e);
        }
    }

    /**
     * In a child started by {@link #run}: halts this JVM when the parent's end of standard input closes.
     * Halting is what kill -9 does, which a run survives: it resumes from its last checkpoint.
     */
    public static void exitWithParentIfAsked() {
        if (!Boolean.getBoolean(EXIT_WITH_PARENT)) {
            return;
        }
        Thread watcher = new Thread(() -> {
            try {
                while (System.in.read() >= 0) {
                    // the parent writes nothing; any input is ignored
                }
            } catch (IOException e) {
                // a broken pipe also means the parent is gone
            }
            Runtime.getRuntime().halt(143);
        }, "parent-watch");
        watcher.setDaemon(true);
        watcher.start();
    }
}
