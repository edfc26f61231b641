package org.tbcm4j.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.tbcm4j.distill.DistillConfig;
import org.tbcm4j.util.Json;

/**
 * The results committed under docs/results/PLAN are what plans/PLAN.yaml gives now. The runner compares the
 * trained config with the plan's, so a shipped default that changes under a plan (or an old spelling that no
 * longer binds to the same config) would make it refuse every finished run; the plans pin what they measured.
 */
class CommittedResultsTest {

    @Test
    void everyCommittedRunWasTrainedWithTheConfigItsPlanNowGives() throws IOException {
        int checked = 0;
        try (Stream<Path> plans = Files.list(Path.of("plans"))) {
            for (Path file : plans.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                Plan plan = Plan.load(file);
                Path results = Path.of("docs/results", plan.name(), "results");
                for (Plan.Arm arm : plan.arms()) {
                    if (arm.matchTimeOf() != null) {
                        continue; // its iterations come from measured times; its like-arm is checked
                    }
                    for (long seed : plan.seeds(arm)) {
                        Path result = results.resolve(arm.name()).resolve("seed-" + seed + ".json");
                        if (!Files.exists(result)) {
                            continue;
                        }
                        JsonNode trained = Json.JSON.readTree(result.toFile()).get("config");
                        DistillConfig now = plan.config(arm, seed, List.of());
                        assertEquals(Json.JSON.valueToTree(now),
                                Json.JSON.valueToTree(Json.JSON.convertValue(trained, DistillConfig.class)),
                                file + " arm " + arm.name() + " seed " + seed);
                        checked++;
                    }
                }
            }
        }
        // claims-before-25 (15 runs), horizon, horizon-levers, ablations and quality are committed
        assertTrue(checked >= 60, "only " + checked + " committed runs found");
    }
}
