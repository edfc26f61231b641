package org.tbcm4j.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a tbcm command in a fresh JVM with this one's classpath and settings, so that its peak memory
 * is its own (VmHWM only grows, so two arms in one process could not be told apart).
 */
public final class ChildProcess {
    /** The command line's entry point, by name: a child JVM runs it, so bench needs no compile-time link to cli. */
    private static final String MAIN_CLASS = String.join(".", "org", "tbcm4j", "cli", "Main");

    private ChildProcess() {}

    /** Runs {@code tbcm args...}, sending its output to {@code log}; throws if it fails. */
    public static void run(Path log, String... args) {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.add("-Xmx" + Runtime.getRuntime().maxMemory() / (1024 * 1024) + "m");
        for (String property : new String[] {"ai.djl.offline", "tbcm.home", "java.awt.headless"}) {
            String value = System.getProperty(property);
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
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            int code = p.waitFor();
            if (code != 0) {
                throw new IllegalStateException("tbcm " + String.join(" ", args) + " failed with status " + code
                        + "; see " + log);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot start a child JVM: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for tbcm " + String.join(" ", args), e);
        }
    }
}
