package org.tbcm4j.distill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tbcm4j.report.MetricsTable;

/** LADD's adversary read back from a metrics.csv, against values worked out by hand. */
class AdversaryBalanceTest {
    @TempDir
    Path tmp;

    @Test
    void theMedianRatioAndTheLastHundredIterationsLogits() throws IOException {
        // rows every 50 steps up to 250: the last 100 iterations are the rows at 200 and 250 (step > 150)
        Path csv = tmp.resolve("metrics.csv");
        Files.writeString(csv, """
                step,loss,discriminator_real_logit,discriminator_fake_logit,grad_norm_consistency,grad_norm_auxiliary,elapsed_s
                50,1,0.9,0.1,10,1,1
                100,1,0.5,0.4,20,1,2
                150,1,0.4,0.0,10,3,3
                200,1,0.3,0.2,4,2,4
                250,1,0.1,-0.3,0,5,5
                """);
        AdversaryBalance b = AdversaryBalance.of(MetricsTable.read(csv)).orElseThrow();
        // ratios 0.1, 0.05, 0.3, 0.5 (the zero consistency norm at 250 gives none): median (0.1 + 0.3) / 2
        assertEquals(0.2, b.gradientRatio(), 1e-12);
        assertEquals((0.3 + 0.1) / 2, b.realLogit(), 1e-12);
        assertEquals((0.2 - 0.3) / 2, b.fakeLogit(), 1e-12);
        assertEquals(0.2 + 0.05, b.logitGap(), 1e-12);
        assertEquals(b.logitGap(), (double) b.json().get("discriminator_logit_gap"), 1e-12);
    }

    @Test
    void aRunWithoutAnAdversaryHasNone() throws IOException {
        Path csv = tmp.resolve("metrics.csv");
        Files.writeString(csv, "step,loss,elapsed_s\n10,1,1\n20,0.5,2\n");
        assertTrue(AdversaryBalance.of(MetricsTable.read(csv)).isEmpty());
    }
}
