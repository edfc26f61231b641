package org.tbcm4j.distill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tbcm4j.config.ConfigException;
import org.tbcm4j.config.Configs;
import org.tbcm4j.util.Json;

/** The config's one key {@code method}, and the old spelling (pairs, ladd.enabled) that configs and results still hold. */
class MethodTest {
    @TempDir
    Path tmp;

    private static final Path SHIPPED = Path.of("configs/distill.yaml");

    /** The shipped config with its method line replaced by {@code methodLines} and, if given, ladd.enabled. */
    private Path spelled(String methodLines, String laddEnabled) throws IOException {
        String s = Files.readString(SHIPPED).replaceFirst("(?m)^method: tbcm.*$", methodLines);
        if (laddEnabled != null) {
            s = s.replaceFirst("(?m)^ladd:.*$", "ladd:\n  enabled: " + laddEnabled);
        }
        Path f = tmp.resolve("c" + Math.abs((methodLines + laddEnabled).hashCode()) + ".yaml");
        Files.writeString(f, s);
        return f;
    }

    private static JsonNode tree(DistillConfig c) {
        return Json.JSON.valueToTree(c);
    }

    @Test
    void theOldSpellingBindsToTheMethodItNames() throws IOException {
        String[][] cases = {
            {"pairs: trajectory", null, "tbcm"},
            {"pairs: trajectory", "false", "tbcm"},
            {"pairs: data", null, "scm"},
            {"pairs: data", "false", "scm"},
            {"pairs: data", "true", "sana_sprint"},
        };
        for (String[] c : cases) {
            DistillConfig old = Configs.load(spelled(c[0], c[1]), DistillConfig.class);
            DistillConfig now = Configs.load(SHIPPED, DistillConfig.class, List.of("method=" + c[2]));
            assertEquals(c[2], old.method(), c[0] + " " + c[1]);
            // the same config, so a result trained under the old spelling counts as done under the new
            assertEquals(tree(now), tree(old), c[0] + " " + c[1]);
            assertFalse(tree(old).has("pairs"), "the old key is never written");
            assertTrue(tree(old).path("ladd").path("enabled").isMissingNode(), "ladd.enabled is never written");
        }
    }

    @Test
    void onlySanaSprintCarriesLaddsSettings() {
        DistillConfig tbcm = Configs.load(SHIPPED, DistillConfig.class);
        assertEquals(null, tbcm.ladd(), "the section is dropped for a method that does not read it");
        DistillConfig sana = Configs.load(SHIPPED, DistillConfig.class, List.of("method=sana_sprint"));
        assertEquals(0.5, sana.ladd().advLambda());
        assertInstanceOf(SanaSprint.class, Method.of(sana.method()));
    }

    @Test
    void disagreeingOrMissingSpellingsAreOneLineThatSaysWhatToWrite() throws IOException {
        String[][] cases = {
            {"method: tbcm\npairs: data", null, "method: tbcm disagrees with pairs: data; pairs and ladd.enabled are the old spelling of method"},
            {"method: scm", "true", "method: scm disagrees with ladd.enabled: true"},
            {"method: sana_sprint", "false", "method: sana_sprint disagrees with ladd.enabled: false"},
            {"pairs: trajectory", "true", "ladd.enabled: true with pairs: trajectory names no method"},
            {"pairs: images", null, "pairs must be trajectory or data, got images"},
            {"method: dmd", null, "method must be one of tbcm, scm, sana_sprint, tbcm_dmd, got dmd"},
            {"", null, "method is required: one of tbcm, scm, sana_sprint, tbcm_dmd"},
        };
        for (String[] c : cases) {
            Path f = spelled(c[0], c[1]);
            ConfigException e = assertThrows(ConfigException.class, () -> Configs.load(f, DistillConfig.class), c[0]);
            assertEquals(1, e.getMessage().lines().count(), e.getMessage());
            assertTrue(e.getMessage().contains(c[2]), c[0] + ": " + e.getMessage());
        }
        ConfigException noLadd = assertThrows(ConfigException.class, () -> Configs.load(withoutLadd(),
                DistillConfig.class, List.of("method=sana_sprint")));
        assertTrue(noLadd.getMessage().contains("method sana_sprint needs a ladd section"), noLadd.getMessage());
        ConfigException noData = assertThrows(ConfigException.class, () -> Configs.load(withoutDataPairs(),
                DistillConfig.class, List.of("method=scm")));
        assertTrue(noData.getMessage().contains("method scm reads real images: it needs a data_pairs section"),
                noData.getMessage());
    }

    private Path withoutLadd() throws IOException {
        Path f = tmp.resolve("no-ladd.yaml");
        Files.writeString(f, Files.readString(SHIPPED).replaceAll("(?ms)^ladd:.*?(?=^training:)", ""));
        return f;
    }

    private Path withoutDataPairs() throws IOException {
        Path f = tmp.resolve("no-data-pairs.yaml");
        Files.writeString(f, Files.readString(SHIPPED).replaceAll("(?ms)^data_pairs:.*?(?=^loss:)", "data_pairs: null\n"));
        return f;
    }

    @Test
    void aDataMethodSaysThatItTurnsTheCalmDownOff() {
        DistillConfig cfg = Configs.load(SHIPPED, DistillConfig.class);
        assertTrue(cfg.loss().calmDown(), "the shipped config calms r down (TBCM)");
        assertEquals("", Method.of("tbcm").ownSettings(cfg));
        for (String data : List.of("scm", "sana_sprint")) {
            assertTrue(Method.of(data).ownSettings(cfg).contains("loss.calm_down: true is not used"), data);
            assertEquals("", Method.of(data).ownSettings(Configs.load(SHIPPED, DistillConfig.class,
                    List.of("loss.calm_down=false"))), data + " with the calm-down already off");
        }
    }
}
