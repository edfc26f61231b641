package org.tbcm4j.util;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;

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
        started = true;
    }

    /** A new root manager on the CPU; callers close it. */
    public static NDManager newManager() {
        start();
        return Engine.getEngine("PyTorch").newBaseManager();
    }

    private static void defaultSetting(String property, String envVar, String value) {
        if (System.getProperty(property) == null && System.getenv(envVar) == null) {
            System.setProperty(property, value);
        }
    }
}
