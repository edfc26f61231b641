package org.tbcm4j.util;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;

/**
 * Starts the PyTorch engine offline. DJL reads these settings from either environment variables or
 * system properties; we default them here so that nothing is downloaded even when the launcher is
 * bypassed (a test run from an IDE, say).
 */
public final class Backend {
    public static final String PYTORCH_VERSION = "2.7.1";
    private static volatile boolean started;

    private Backend() {}

    /** Idempotent: sets the offline defaults, loads the engine once. */
    public static synchronized void start() {
        if (started) {
            return;
        }
        defaultSetting("ai.djl.offline", "DJL_OFFLINE", "true");
        defaultSetting("PYTORCH_VERSION", "PYTORCH_VERSION", PYTORCH_VERSION);
        defaultSetting("PYTORCH_FLAVOR", "PYTORCH_FLAVOR", "cpu");
        Engine engine = Engine.getEngine("PyTorch");
        if (!engine.getVersion().startsWith(PYTORCH_VERSION)) {
            throw new IllegalStateException(
                    "expected PyTorch " + PYTORCH_VERSION + " but DJL loaded " + engine.getVersion());
        }
        limitThreadsToAvailableCores();
        started = true;
    }

    /**
     * libgomp sizes libtorch's pool from the CPUs the process may run on, not from a container's CPU
     * quota; the JVM's count honours both. More threads than cores only adds spinning and waiting.
     * An explicit setting (TBCM_THREADS, OMP_NUM_THREADS, ai.djl.pytorch.num_threads) is kept.
     */
    private static void limitThreadsToAvailableCores() {
        if (System.getProperty("ai.djl.pytorch.num_threads") != null || System.getenv("OMP_NUM_THREADS") != null) {
            return;
        }
        int cores = Runtime.getRuntime().availableProcessors();
        if (JniUtils.getNumThreads() > cores) {
            JniUtils.setNumThreads(cores);
        }
    }

    /**
     * Runs {@code body} with libtorch on one intra-op thread, then restores the count: results that must not
     * depend on the machine or on how many workers share it (a trajectory store) are computed this way, as
     * reductions split over threads round differently.
     */
    public static synchronized <T> T singleThreaded(java.util.function.Supplier<T> body) {
        start();
        int before = JniUtils.getNumThreads();
        JniUtils.setNumThreads(1);
        try {
            return body.get();
        } finally {
            JniUtils.setNumThreads(before);
        }
    }

    /** A new root manager on the CPU; callers close it. */
    public static NDManager newManager() {
        start();
        return Engine.getEngine("PyTorch").newBaseManager();
    }

    /**
     * Whether oneMKL picks its kernels by instruction set rather than by CPU vendor, i.e. whether
     * bin/tbcm preloaded src/main/native/mkl_intel_path.c (it does on AMD CPUs; Intel CPUs need nothing).
     */
    public static String mklKernelChoice() {
        String preload = System.getenv("LD_PRELOAD");
        return preload != null && preload.contains("libtbcm_mkl_intel_path")
                ? "by instruction set (mkl_intel_path preloaded)" : "oneMKL's default (by CPU vendor)";
    }

    private static void defaultSetting(String property, String envVar, String value) {
        if (System.getProperty(property) == null && System.getenv(envVar) == null) {
            System.setProperty(property, value);
        }
    }
}
