package org.tbcm4j.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Mean, sd and Student-t intervals against values computed by hand (t quantiles from tables). */
class StatisticsTest {
    @Test
    void intervalOfFiveValues() {
        // 1.2, 1.4, 1.1, 1.3, 1.5: mean 1.3, sd sqrt(0.1 / 4) = 0.158114, t(0.975, 4) = 2.776445
        Statistics s = Statistics.of(List.of(1.2, 1.4, 1.1, 1.3, 1.5));
        assertEquals(5, s.n());
        assertEquals(1.3, s.mean(), 1e-12);
        assertEquals(0.15811388300841897, s.sd(), 1e-12);
        double half = 2.7764451051977987 * 0.15811388300841897 / Math.sqrt(5);
        assertEquals(1.3 - half, s.low(), 1e-9);
        assertEquals(1.3 + half, s.high(), 1e-9);
        assertTrue(s.excludesZero());
    }

    @Test
    void tQuantilesMatchTheTable() {
        assertEquals(12.706, Statistics.tQuantile(1), 1e-3);
        assertEquals(4.303, Statistics.tQuantile(2), 1e-3);
        assertEquals(2.262, Statistics.tQuantile(9), 1e-3);
    }

    @Test
    void pairedDifferenceCoveringZeroIsNotSignificant() {
        // differences 0.1, -0.1, 0.05: mean 0.016667, interval covers 0
        Statistics d = Statistics.paired(List.of(1.1, 0.9, 1.05), List.of(1.0, 1.0, 1.0));
        assertEquals(0.05 / 3, d.mean(), 1e-12);
        assertFalse(d.excludesZero());
        Statistics one = Statistics.of(List.of(2.0));
        assertEquals(2.0, one.mean(), 0.0);
        assertTrue(Double.isNaN(one.sd()));
        assertFalse(one.excludesZero(), "one value has no interval");
    }

    @Test
    void pairedRatioIsTheGeometricMeanWithAnIntervalOnTheLogScale() {
        // ratios 2, 4, 8: logs ln2·(1, 2, 3), mean 2 ln2 (geometric mean 4), sd ln2, t(0.975, 2) = 4.302653
        Statistics.Ratio r = Statistics.pairedRatio(List.of(2.0, 8.0, 24.0), List.of(1.0, 2.0, 3.0));
        assertEquals(3, r.n());
        assertEquals(4.0, r.geometricMean(), 1e-12);
        double half = 4.302652729911275 * Math.log(2) / Math.sqrt(3);
        assertEquals(Math.exp(2 * Math.log(2) - half), r.low(), 1e-9);
        assertEquals(Math.exp(2 * Math.log(2) + half), r.high(), 1e-7); // t quantile to ~1e-10, times 22
        assertFalse(r.excludesOne(), "0.71 to 22.4 covers 1");
        Statistics.Ratio tight = Statistics.pairedRatio(List.of(2.0, 2.1, 1.9), List.of(1.0, 1.0, 1.0));
        assertTrue(tight.excludesOne());
        assertTrue(tight.low() > 1.5 && tight.high() < 2.6, tight.toString());
        assertThrows(IllegalArgumentException.class, () -> Statistics.pairedRatio(List.of(1.0), List.of(0.0)));
    }
}
