package org.tbcm4j.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * oneDNN's input gradient of a convolution whose output channels are not a multiple of its block read padded
 * weights it never zeroed, and stale NaN in freed memory made the autoencoder's first steps' gradients NaN
 * (LinearOps pads the channels itself in grad mode). A fresh JVM on two threads, so that its first backward is the
 * first of the process; it fails in nearly every run with the padding turned off
 * ({@code -Dtbcm4j.test.noConvPadding=true}, passed on to the child).
 */
class ConvPaddingNanTest {
    private static final int ROUNDS = 8;
    private static final String DISABLE = "tbcm4j.test.noConvPadding";

    @Test
    void convolutionInputGradientIsFiniteAndExactFromTheFirstBackwardOnTwoThreads() throws Exception {
        String out = runChild();
        Matcher m = Pattern.compile("threads (\\d+) rounds (\\d+) nonfinite (\\d+) error (\\S+)").matcher(out);
        assertTrue(m.find(), out);
        assertEquals(2, Integer.parseInt(m.group(1)), out);
        assertEquals(ROUNDS, Integer.parseInt(m.group(2)), out);
        assertEquals(0, Integer.parseInt(m.group(3)), "rounds with a non-finite gradient: " + out);
        // float32 against float64 (sums over 65536 terms for the weights): rounding only, ~1e-5
        assertTrue(Double.parseDouble(m.group(4)) < 1e-4, out);
    }

    private static String runChild() throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-Xmx1g", "-Dai.djl.offline=true", "-Dai.djl.pytorch.num_threads=2"));
        if (System.getProperty(DISABLE) != null) {
            command.add("-D" + DISABLE + "=" + System.getProperty(DISABLE));
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), ConvPaddingNanChild.class.getName(),
                String.valueOf(ROUNDS)));
        Path log = Files.createTempFile("conv-padding-nan", ".log");
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
            builder.environment().put("OMP_NUM_THREADS", "2");
            builder.environment().putIfAbsent("OMP_WAIT_POLICY", "PASSIVE");
            Process p = builder.start();
            boolean done = p.waitFor(60, TimeUnit.SECONDS);
            if (!done) {
                p.destroyForcibly().waitFor();
            }
            String text = Files.readString(log);
            assertTrue(done, "the child did not finish in 60 s: " + text);
            assertEquals(0, p.exitValue(), text);
            return text;
        } finally {
            Files.deleteIfExists(log);
        }
    }
}
