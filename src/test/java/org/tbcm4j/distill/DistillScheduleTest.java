package org.tbcm4j.distill;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.tbcm4j.config.Configs;

/** A distillation of another length keeps its schedules in the same part of the run. */
class DistillScheduleTest {
    @Test
    void rescalingMovesEveryScheduleWithTheRun() {
        DistillConfig full = Configs.load(Path.of("configs/distill.yaml"), DistillConfig.class);
        // configs/distill.yaml: 450 iterations, lr warm-up 20, r warm-up 100, calm-down from 350 over 50
        DistillConfig third = full.rescaledTo(150);
        assertEquals(150, third.training().steps());
        assertEquals(7, third.training().warmupSteps());
        assertEquals(33, third.loss().tangentWarmup());
        assertEquals(117, third.loss().calmDownStart());
        assertEquals(17, third.loss().calmDownSteps());
        // very short and very long runs are valid too (the warm-up scales before the length is checked)
        assertEquals(0, full.rescaledTo(3).training().warmupSteps());
        assertEquals(889, full.rescaledTo(20_000).training().warmupSteps());
        // everything else is the same run
        assertEquals(full.loss().finalR(), third.loss().finalR());
        assertEquals(full.training().lr(), third.training().lr());
        assertEquals(full.pairsPerIteration(), third.pairsPerIteration());
        assertEquals(org.tbcm4j.util.Json.write(full), org.tbcm4j.util.Json.write(full.rescaledTo(450)));
    }
}
