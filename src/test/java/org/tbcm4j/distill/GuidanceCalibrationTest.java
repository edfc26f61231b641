package org.tbcm4j.distill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The rollout range moves with the teacher's FD-best w, and never under w 1. */
class GuidanceCalibrationTest {
    private static final List<Double> SHIPPED = List.of(1.0, 1.5, 2.0, 2.5, 3.0);

    @Test
    void theRangeMovesByTheDifferenceOfTheBestScales() {
        assertEquals(SHIPPED, GuidanceCalibration.moved(SHIPPED, 1.5, 1.5), "a teacher best where ours is keeps it");
        assertEquals(List.of(2.5, 3.0, 3.5, 4.0, 4.5), GuidanceCalibration.moved(SHIPPED, 1.5, 3.0));
        // best at 1: 0.5 would be weaker than the conditional model alone, so it is raised to 1 and merged
        assertEquals(List.of(1.0, 1.5, 2.0, 2.5), GuidanceCalibration.moved(SHIPPED, 1.5, 1.0));
    }

    @Test
    void theBestIsTheLowestFdAndTheLowerScaleOnATie() {
        Map<Double, Double> fd = new LinkedHashMap<>();
        fd.put(1.0, 23.2);
        fd.put(2.0, 6.4);
        fd.put(3.0, 4.2);
        fd.put(4.0, 4.2);
        fd.put(5.0, Double.NaN);
        assertEquals(3.0, GuidanceCalibration.best(fd));
        Map<Double, Double> none = new LinkedHashMap<>();
        none.put(1.0, Double.NaN);
        assertThrows(IllegalStateException.class, () -> GuidanceCalibration.best(none));
    }
}
