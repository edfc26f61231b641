package org.tbcm4j.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class FeatureStatsTest {
    @Test
    void meanAndUnbiasedCovarianceOfHandMadeRows() {
        // x = 1, 3, 5 and y = 2x: deviations ±2 and ±4, so sums of products 8, 16, 32 over n − 1 = 2.
        FeatureStats stats = FeatureStats.of(new double[][] {{1, 2}, {3, 6}, {5, 10}});
        assertArrayEquals(new double[] {3, 6}, stats.mean(), 1e-15);
        double[][] cov = stats.covariance();
        assertArrayEquals(new double[] {4, 8}, cov[0], 1e-15);
        assertArrayEquals(new double[] {8, 16}, cov[1], 1e-15);
        assertEquals(3, stats.count());
    }

    @Test
    void floatRowsGiveTheSameStatisticsAsTheirDoubleValues() {
        float[][] f = {{0.1f, -2f, 7f}, {1.5f, 0.25f, -3f}, {2f, 4f, 0.5f}, {-1f, 1f, 1f}};
        double[][] d = FeatureRows.toDouble(f);
        FeatureStats fromFloat = FeatureStats.of(f);
        FeatureStats fromDouble = FeatureStats.of(d);
        assertArrayEquals(fromDouble.mean(), fromFloat.mean(), 0.0);
        for (int i = 0; i < 3; i++) {
            assertArrayEquals(fromDouble.covariance()[i], fromFloat.covariance()[i], 0.0);
        }
        assertEquals((double) 0.1f, d[0][0], 0.0);
    }

    @Test
    void rejectsInputsThatHaveNoCovariance() {
        assertThrows(IllegalArgumentException.class, () -> FeatureStats.of(new double[][] {{1, 2}}));
        assertThrows(IllegalArgumentException.class, () -> FeatureStats.of(new double[][] {{1, 2}, {3}}));
        assertThrows(IllegalArgumentException.class, () -> FeatureStats.of(new double[][] {{1, Double.NaN}, {3, 4}}));
        assertThrows(IllegalArgumentException.class,
                () -> new FeatureStats(new double[] {0, 0}, new double[][] {{1, 0.5}, {0, 1}}, 2));
    }
}
