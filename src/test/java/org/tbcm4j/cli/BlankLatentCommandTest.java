package org.tbcm4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tbcm4j.distill.BlankLatent;
import org.tbcm4j.testing.WithManager;

/** blank-latent writes the filter's reference and, with --calibrate, a threshold that spares real images. */
class BlankLatentCommandTest extends WithManager {
    @TempDir
    Path tmp;

    private static final Pattern ROW = Pattern.compile("(?m)^(\\d+) .*?\\s+\\S+\\s+\\S+\\s+\\S+\\s+([0-9.]+) %$");

    private static List<Double> dropRates(String out) {
        Matcher matcher = ROW.matcher(out);
        List<Double> rates = new java.util.ArrayList<>();
        while (matcher.find()) {
            rates.add(Double.parseDouble(matcher.group(2)));
        }
        return rates;
    }

    @Test
    void calibrationSuggestsAThresholdThatDropsAlmostNoRealImage() {
        Path ae = TinyModels.autoencoder(tmp, m, 4);
        Path out = tmp.resolve("blank.safetensors");
        CliHarness.Result huge = CliHarness.run("blank-latent", "--autoencoder", ae.toString(), "--out", out.toString(),
                "--calibrate", "--threshold", "1e9");
        assertEquals(0, huge.exitCode(), huge.err());
        assertEquals(4 * 7 * 7, BlankLatent.load(out, m).size());
        List<Double> all = dropRates(huge.out());
        assertEquals(10, all.size(), huge.out());
        all.forEach(rate -> assertTrue(rate > 99.9, "a huge threshold drops nearly everything: " + huge.out()));

        Matcher suggested = Pattern.compile("every class: ([0-9.]+)").matcher(huge.out());
        assertTrue(suggested.find(), huge.out());
        CliHarness.Result atSuggested = CliHarness.run("blank-latent", "--autoencoder", ae.toString(), "--out",
                out.toString(), "--calibrate", "--threshold", suggested.group(1));
        List<Double> rates = dropRates(atSuggested.out());
        assertEquals(10, rates.size(), atSuggested.out());
        rates.forEach(rate -> assertTrue(rate <= 0.1 + 1e-9, atSuggested.out()));
        assertTrue(rates.stream().mapToDouble(Double::doubleValue).max().orElseThrow() > 0.05,
                "the largest such threshold makes some class reach the limit: " + atSuggested.out());
    }
}
