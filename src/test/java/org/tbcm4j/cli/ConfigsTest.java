package org.tbcm4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.tbcm4j.experiment.DemoRunConfig;
import org.tbcm4j.train.AutoencoderRunConfig;
import org.tbcm4j.train.ClassifierRunConfig;
import org.tbcm4j.train.TeacherRunConfig;
import org.junit.jupiter.api.io.TempDir;
import org.tbcm4j.config.ConfigException;
import org.tbcm4j.config.Configs;
import org.tbcm4j.distill.DistillConfig;

/** The shipped configs parse, and a bad config names its file and field in one line. */
class ConfigsTest {
    @TempDir
    Path tmp;

    @Test
    void shippedConfigsParse() {
        AutoencoderRunConfig ae = Configs.load(Path.of("configs/autoencoder.yaml"), AutoencoderRunConfig.class);
        assertEquals(4, ae.model().latentChannels());
        ClassifierRunConfig cls = Configs.load(Path.of("configs/classifier.yaml"), ClassifierRunConfig.class);
        assertEquals(128, cls.model().featureDim());
        TeacherRunConfig teacher = Configs.load(Path.of("configs/teacher.yaml"), TeacherRunConfig.class);
        assertEquals(10, teacher.model().numClasses());
        for (String f : new String[] {"configs/distill.yaml", "configs/distill-quick.yaml"}) {
            DistillConfig d = Configs.load(Path.of(f), DistillConfig.class);
            assertEquals(d.promptsPerIteration() * (d.routeSteps() - 1), d.pairsPerIteration(), f);
        }
        DemoRunConfig demo = Configs.load(Path.of("configs/demo.yaml"), DemoRunConfig.class);
        assertEquals("configs/distill.yaml", demo.distill());
    }

    @Test
    void aDistillConfigWithLaddOffIsTheSameConfigAsOneWithoutTheSection() throws IOException {
        String with = Files.readString(Path.of("configs/distill.yaml"));
        assertTrue(with.contains("\nladd:"), "the shipped config lists LADD's settings");
        String without = with.replaceAll("(?ms)^ladd:.*?(?=^training:)", "");
        Path f = tmp.resolve("without.yaml");
        Files.writeString(f, without);
        DistillConfig a = Configs.load(Path.of("configs/distill.yaml"), DistillConfig.class);
        DistillConfig b = Configs.load(f, DistillConfig.class);
        assertEquals(org.tbcm4j.util.Json.JSON.valueToTree(b), org.tbcm4j.util.Json.JSON.valueToTree(a));
        // switched on, the section's values are the config's
        Path on = tmp.resolve("sana-sprint.yaml");
        Files.writeString(on, with.replaceFirst("(?m)^method: tbcm", "method: sana_sprint"));
        DistillConfig c = Configs.load(on, DistillConfig.class);
        assertEquals("sana_sprint", c.method());
        assertEquals(java.util.List.of(0, 2, 3, 4), java.util.Arrays.stream(c.ladd().headBlockIds()).boxed().toList());
        assertEquals(0.5, c.ladd().advLambda());
    }

    @Test
    void anOptionalKeyMayBeLeftOutOrNullAndARequiredOneMayNot() throws IOException {
        String shipped = Files.readString(Path.of("configs/distill.yaml"));
        String noEvaluation = shipped.replaceAll("(?ms)^evaluation:.*", "");
        Path f = tmp.resolve("no-evaluation.yaml");
        Files.writeString(f, noEvaluation);
        assertEquals(null, Configs.load(f, DistillConfig.class).evaluation(), "left out");
        Files.writeString(f, noEvaluation + "evaluation: null\n");
        assertEquals(null, Configs.load(f, DistillConfig.class).evaluation(), "given as null");
        Files.writeString(f, shipped.replaceFirst("(?m)^route_shift:.*\n", ""));
        assertMentions(assertThrows(ConfigException.class, () -> Configs.load(f, DistillConfig.class)),
                "missing field 'route_shift'");
        Files.writeString(f, shipped.replaceFirst("(?m)^route_shift:.*$", "route_shift: null"));
        assertThrows(ConfigException.class, () -> Configs.load(f, DistillConfig.class));
    }

    private ConfigException bad(String yaml) throws IOException {
        Path f = tmp.resolve("bad.yaml");
        Files.writeString(f, yaml);
        ConfigException e = assertThrows(ConfigException.class, () -> Configs.load(f, ClassifierRunConfig.class));
        assertTrue(e.getMessage().startsWith(f.toString() + ": "), e.getMessage());
        assertEquals(1, e.getMessage().lines().count(), e.getMessage());
        return e;
    }

    private static void assertMentions(ConfigException e, String fragment) {
        assertTrue(e.getMessage().contains(fragment), e.getMessage());
    }

    @Test
    void errorsNameTheFileAndTheField() throws IOException {
        String good = Files.readString(Path.of("configs/classifier.yaml"));
        assertMentions(bad(good.replace("max_shift: 2", "max_shift: 2\nmax_shfit: 3")), "unknown field 'max_shfit'");
        assertMentions(bad(good.replace("  lr: 2.0e-3", "  lr: -1")), "training.lr = -1.0 is out of range");
        assertMentions(bad(good.replace("  batch_size: 128", "  batch_size: many")), "field 'training.batch_size'");
        assertMentions(bad(good.replace("  steps: 6000\n", "")), "missing field 'training.steps'");
        assertMentions(bad(good.replace("max_shift: 2", "")), "missing field 'max_shift'");
        assertMentions(bad("name: a: b"), "not valid YAML");
        ConfigException missing = assertThrows(ConfigException.class,
                () -> Configs.load(tmp.resolve("none.yaml"), ClassifierRunConfig.class));
        assertTrue(missing.getMessage().endsWith("none.yaml: no such config file"));
    }
}
