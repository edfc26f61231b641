package org.tbcm4j.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tbcm4j.distill.DistillConfig;
import org.tbcm4j.train.TrainingConfig;
import org.tbcm4j.util.Json;

/** --set overrides reach the bound record, and every bad one fails in one line naming the assignment. */
class ConfigOverridesTest {

    /** A small config shaped like ours, so most tests do not depend on where the run configs live. */
    record Run(String name, long seed, int routeSteps, double scale, boolean verbose, double[] scales, int[] widths,
            Section section, TrainingConfig training, Extra extra) {}

    record Section(boolean enabled, double threshold, String reference, Integer count) {}

    /** Absent from {@link #YAML}: an optional section. */
    record Extra(int a, String b) {
        Extra {
            if (a < 0) {
                throw new IllegalArgumentException("extra.a must be at least 0, got " + a);
            }
        }
    }

    private static final String YAML = """
            name: run
            seed: 0
            route_steps: 16
            scale: 2.5
            verbose: false
            scales: [2.5, 3.0]
            widths: [8, 16]
            section:
              enabled: true
              threshold: 0.3
              reference: ref.safetensors
              count: 4
            training:
              steps: 450
              batch_size: 120
              lr: 1.5e-4
              warmup_steps: 20
              cosine_decay: true
              weight_decay: 0.0
              clip_norm: 0.1
              ema_decay: 0.99
              checkpoint_every: 50
              log_every: 10
              eval_every: 0
              snapshot_every: 0
            extra: null
            """;

    private static ObjectNode doc() throws Exception {
        return (ObjectNode) Json.YAML.readTree(YAML);
    }

    private static Run run(String... assignments) throws Exception {
        return Json.YAML.treeToValue(ConfigOverrides.apply(doc(), List.of(assignments), Run.class), Run.class);
    }

    /** Applies the assignments, expects a failure, and checks the message is one line naming the last assignment. */
    private static String refused(String... assignments) throws Exception {
        ObjectNode document = doc();
        ConfigException e = assertThrows(ConfigException.class,
                () -> ConfigOverrides.apply(document, List.of(assignments), Run.class));
        String message = e.getMessage();
        String shown = assignments[assignments.length - 1].replace("\n", "\\n");
        assertTrue(message.startsWith("--set " + shown + ": "), message);
        assertFalse(message.contains("\n") || message.contains("\r"), message);
        assertEquals(doc(), document, "a refused override must leave the document untouched");
        return message;
    }

    @Test
    void realDistillConfig() throws Exception {
        ObjectNode document = (ObjectNode) Json.YAML.readTree(Files.readString(Path.of("configs/distill.yaml")));
        ObjectNode same = ConfigOverrides.apply(document, List.of("training.steps=30", "loss.final_r=0.5",
                "route_steps=8", "guidance_scales=[2.5, 3]", "filter.enabled=false", "student.guidance_input_scale=0.2",
                "evaluation.samples=100"), DistillConfig.class);
        assertSame(document, same);
        DistillConfig c = Json.YAML.treeToValue(document, DistillConfig.class);
        assertEquals(30, c.training().steps());
        assertEquals(8 * 7, c.pairsPerIteration(), "pairs per iteration follow route_steps");
        assertEquals(0.2, c.student().guidanceInputScale());
        assertEquals(1.5e-4, c.training().lr(), "untouched fields keep the file's values");
        assertEquals(0.5, c.loss().finalR());
        assertEquals(0.75, Json.YAML.readTree(Files.readString(Path.of("configs/distill.yaml")))
                .at("/loss/final_r").asDouble(), "the file itself says otherwise");
        assertEquals(8, c.routeSteps());
        assertArrayEquals(new double[] {2.5, 3.0}, c.guidanceScales().values());
        assertFalse(c.filter().enabled());
        assertEquals(0.3, c.filter().threshold());
        assertEquals(100, c.evaluation().samples());
    }

    @Test
    void valueTypesWithTheirOwnChecksReportThem() throws Exception {
        ObjectNode document = (ObjectNode) Json.YAML.readTree(Files.readString(Path.of("configs/distill.yaml")));
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigOverrides.apply(document,
                List.of("guidance_scales=[2, -1]"), DistillConfig.class));
        assertEquals("--set guidance_scales=[2, -1]: guidance_scales must be a finite guidance scale of at least 0, "
                + "got -1.0", e.getMessage());
        e = assertThrows(ConfigException.class, () -> ConfigOverrides.apply(document, List.of("guidance_scales=[]"),
                DistillConfig.class));
        assertEquals("--set guidance_scales=[]: guidance_scales must not be empty", e.getMessage());
    }

    @Test
    void nestedAndTopLevelKeys() throws Exception {
        Run r = run("training.steps=30", "route_steps=8", "section.threshold=0.5", "name=other");
        assertEquals(30, r.training().steps());
        assertEquals(120, r.training().batchSize());
        assertEquals(8, r.routeSteps());
        assertEquals(0.5, r.section().threshold());
        assertEquals("other", r.name());
        assertEquals(16, run().routeSteps());
    }

    @Test
    void valueKinds() throws Exception {
        Run r = run("scales=[1, 2.5, 4]", "widths=[4]", "verbose=true", "section.enabled=false", "scale=3",
                "seed=12345678901", "section.reference='007'", "section.count=null", "training.lr=2e-3");
        assertArrayEquals(new double[] {1, 2.5, 4}, r.scales());
        assertArrayEquals(new int[] {4}, r.widths());
        assertTrue(r.verbose());
        assertFalse(r.section().enabled());
        assertEquals(3.0, r.scale(), "a whole number is a fine double");
        assertEquals(12345678901L, r.seed());
        assertEquals("007", r.section().reference());
        assertNull(r.section().count());
        assertEquals(2e-3, r.training().lr());
        assertEquals(0, run("scales=[]").scales().length, "ranges are the records' business, not ours");
    }

    @Test
    void keysAbsentFromTheDocumentAreAdded() throws Exception {
        ObjectNode document = doc();
        ((ObjectNode) document.get("section")).remove("count");
        document.remove("extra");
        assertThrows(Exception.class, () -> Json.YAML.treeToValue(document, Run.class), "needs the overrides");
        ConfigOverrides.apply(document, List.of("section.count=3", "extra.a=1", "extra.b=x"), Run.class);
        Run r = Json.YAML.treeToValue(document, Run.class);
        assertEquals(3, r.section().count());
        assertEquals(new Extra(1, "x"), r.extra());
        // `extra: null` in the file is replaced by a section too.
        assertEquals(new Extra(2, "y"), run("extra.a=2", "extra.b=y").extra());
    }

    @Test
    void sectionValues() throws Exception {
        assertEquals(new Extra(2, "y"), run("extra={a: 2, b: y}").extra());
        assertNull(run("extra={a: 2, b: y}", "extra=null").extra());
        Run r = run("section={enabled: false, threshold: 1, reference: r, count: 2}", "section.count=5");
        assertEquals(new Section(false, 1, "r", 5), r.section());
        assertEquals("--set extra={a: -1, b: y}: extra.a must be at least 0, got -1", refused("extra={a: -1, b: y}"));
        assertEquals("--set extra={a: 2}: missing field 'extra.b'", refused("extra={a: 2}"));
        assertTrue(refused("extra={a: 2, b: y, c: 3}").startsWith(
                "--set extra={a: 2, b: y, c: 3}: unknown field 'extra.c' (known: "));
        assertEquals("--set extra=3: expected a section (Extra), got '3'", refused("extra=3"));
        assertEquals("--set seed={a: 1}: expected a whole number (long), got '{a: 1}'", refused("seed={a: 1}"));
        assertEquals("--set name=a: 1: expected a single value (String), got 'a: 1'", refused("name=a: 1"));
    }

    @Test
    void unknownKeys() throws Exception {
        assertEquals("--set stepz=3: unknown key 'stepz' (known: [name, seed, route_steps, scale, verbose, scales, "
                + "widths, section, training, extra])", refused("stepz=3"));
        assertEquals("--set section.treshold=3: unknown key 'section.treshold' (known at 'section': [enabled, "
                + "threshold, reference, count])", refused("section.treshold=3"));
        String m = refused("training.stepz=3");
        assertTrue(m.startsWith("--set training.stepz=3: unknown key 'training.stepz' (known at 'training': [steps, "
                + "batch_size, lr, "), m);
        assertTrue(refused("trainin.steps=3").startsWith("--set trainin.steps=3: unknown key 'trainin' (known: ["));
        assertTrue(refused("routeSteps=3").contains("unknown key 'routeSteps'"), "Java names are not YAML names");
        assertEquals("--set seed.x=1: 'seed' is not a section", refused("seed.x=1"));
        assertEquals("--set section.count.x=1: 'section.count' is not a section", refused("section.count.x=1"));
    }

    @Test
    void badTypes() throws Exception {
        assertEquals("--set training.steps=abc: expected a whole number (long), got 'abc'",
                refused("training.steps=abc"));
        assertEquals("--set training.steps=1.5: expected a whole number (long), got '1.5'",
                refused("training.steps=1.5"));
        assertEquals("--set route_steps=1.0: expected a whole number (int), got '1.0'", refused("route_steps=1.0"));
        assertEquals("--set route_steps=99999999999: '99999999999' is out of range for int",
                refused("route_steps=99999999999"));
        assertEquals("--set section.enabled=maybe: expected true or false (boolean), got 'maybe'",
                refused("section.enabled=maybe"));
        assertEquals("--set verbose=1: expected true or false (boolean), got '1'", refused("verbose=1"));
        assertEquals("--set scale=high: expected a number (double), got 'high'", refused("scale=high"));
        assertEquals("--set scale=null: expected a number (double), got 'null'", refused("scale=null"));
        assertEquals("--set scales=[2.5, x]: element [1]: expected a number (double), got 'x'",
                refused("scales=[2.5, x]"));
        assertEquals("--set widths=[8, 1.5]: element [1]: expected a whole number (int), got '1.5'",
                refused("widths=[8, 1.5]"));
        assertEquals("--set scales=2.5: expected a list (double[]), got '2.5'", refused("scales=2.5"));
        assertEquals("--set name=[a, b]: expected a single value (String), got '[a, b]'", refused("name=[a, b]"));
        assertEquals("--set section.count=2.5: expected a whole number (Integer), got '2.5'",
                refused("section.count=2.5"));
    }

    @Test
    void malformedAssignments() throws Exception {
        assertEquals("--set training.steps: expected KEY=VALUE", refused("training.steps"));
        assertEquals("--set =3: empty key before '='", refused("=3"));
        assertEquals("--set training.steps=: empty value", refused("training.steps="));
        assertEquals("--set training..steps=3: empty segment in key 'training..steps'", refused("training..steps=3"));
        assertEquals("--set .seed=3: empty segment in key '.seed'", refused(".seed=3"));
        assertEquals("--set training.=3: empty segment in key 'training.'", refused("training.=3"));
        assertTrue(refused("scales=[1, 2").startsWith("--set scales=[1, 2: not valid YAML ("));
        assertEquals("--set scales=[1] 2: not valid YAML (expected '<document start>', but found '<scalar>')",
                refused("scales=[1] 2"), "text after the value is not silently dropped");
        assertTrue(refused("name=a\nb: c").startsWith("--set name=a\\nb: c: not valid YAML ("));
    }

    @Test
    void laterAssignmentsWin() throws Exception {
        assertEquals(200, run("training.steps=100", "training.steps=200").training().steps());
        assertEquals(100, run("training.steps=200", "training.steps=100").training().steps());
        assertFalse(run("section.enabled=false", "section={enabled: true, threshold: 1, reference: r, count: 2}",
                "section.enabled=false").section().enabled());
    }

    @Test
    void refusedBatchWritesNothing() throws Exception {
        ObjectNode document = doc();
        assertThrows(ConfigException.class,
                () -> ConfigOverrides.apply(document, List.of("training.steps=30", "training.stepz=1"), Run.class));
        assertEquals(450, document.at("/training/steps").asLong());
        JsonNode unchanged = doc();
        assertEquals(unchanged, ConfigOverrides.apply(document, List.of(), Run.class));
    }
}
