package org.tbcm4j.experiment;

import org.tbcm4j.util.OptionalKey;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.tbcm4j.config.ConfigException;
import org.tbcm4j.config.Configs;
import org.tbcm4j.distill.DistillConfig;
import org.tbcm4j.model.GuidanceScales;
import org.tbcm4j.util.Home;
import org.tbcm4j.util.Json;

/**
 * plans/NAME.yaml: arms (a distillation config plus --set overrides), the seeds every arm is trained with,
 * and how each trained student is evaluated. Every (arm, seed) pair is one run.
 *
 * @param reference the arm every other arm is compared with, seed by seed
 * @param compare further comparisons, each [arm, against] (e.g. each arm at the other's training time
 *     against that other arm); optional
 * @param evaluation how each run's student (and, once, the teacher) is scored
 */
public record Plan(String name,
        @OptionalKey String description,
        String reference, List<Long> seeds, Evaluation evaluation, List<Arm> arms,
        @OptionalKey List<List<String>> compare) {

    private static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final int MAX_SEEDS = 1000;
    private static final int MAX_ARMS = 200;

    /**
     * One arm. {@code like} starts from another arm's config and overrides (then adds its own);
     * {@code matchTimeOf} gives it another arm's measured training time: each key of {@code timeScaled}
     * (whole numbers, default training.steps) is multiplied, per seed, by the training seconds of that arm
     * over those of {@code like}, so that both train for the same wall time. {@code seeds} (optional, not taken
     * from the like-arm) replaces the plan's seeds for this arm: more seeds where a claim needs them, fewer
     * where a screen does. {@code storeShards} (optional, not taken from the like-arm) trains the arm from its
     * run's own trajectory store of that many shards, written by one worker before training (method tbcm only):
     * the store against online rollouts, with the writing's time and the trainer's memory on file.
     */
    public record Arm(String name, @OptionalKey String config,
            @OptionalKey List<String> set,
            @OptionalKey String like,
            @OptionalKey String matchTimeOf,
            @OptionalKey List<String> timeScaled,
            @OptionalKey List<Long> seeds,
            @OptionalKey Integer storeShards) {
        public Arm {
            if (storeShards != null && (storeShards < 1 || storeShards > 10_000)) {
                throw new IllegalArgumentException("arm '" + name + "': store_shards must be in 1..10000, got "
                        + storeShards);
            }
            set = set == null ? List.of() : List.copyOf(set);
            if (seeds != null) {
                checkSeeds("arm '" + name + "': seeds", seeds);
                seeds = List.copyOf(seeds);
            }
            timeScaled = timeScaled == null ? List.of("training.steps") : List.copyOf(timeScaled);
        }
    }

    /** A teacher setting scored beside the students (once: the teacher does not depend on the seed). */
    public record TeacherSetting(int steps, double cfg,
            @OptionalKey String sampler,
            @OptionalKey Double shift) {
        public TeacherSetting {
            sampler = sampler == null ? "dpm2m" : sampler;
            shift = shift == null ? 1.0 : shift;
            if (steps < 1 || steps > 1000) {
                throw new IllegalArgumentException("evaluation.teacher steps must be in 1..1000, got " + steps);
            }
            GuidanceScales.check("evaluation.teacher cfg", cfg);
        }
    }

    /**
     * TBCM's gap, measured on each run's student ({@code tbcm gap}): its consistency error at the points of
     * {@code prompts} teacher trajectories (guidance {@code guidance}, the K-point route with shift) and at
     * diffusion points built from the same endpoints; trajectories from {@code seed}, the same for every run.
     */
    public record Gap(int prompts, double guidance, int routeSteps, double routeShift, long seed) {
        public Gap {
            if (prompts < 1 || prompts > 10_000) {
                throw new IllegalArgumentException("evaluation.gap.prompts must be in 1..10000, got " + prompts);
            }
            GuidanceScales.check("evaluation.gap.guidance", guidance);
            if (routeSteps < 2 || routeSteps > 1000 || !(routeShift > 0)) {
                throw new IllegalArgumentException("evaluation.gap needs route_steps in 2..1000 and a positive "
                        + "route_shift");
            }
        }
    }

    /**
     * How students are scored: {@code samples} balanced over the classes from noise seed {@code seed} (the
     * same noise for every run: differences between arms are not evaluation noise), at each student step
     * count and guidance scale; {@code snapshots} also scores every snapshot the run keeps (FD against
     * iteration); {@code gap} (optional) measures the final student's consistency errors along teacher
     * trajectories and at diffusion points.
     */
    /**
     * How far each final student's samples move from w {@code low} to {@code high}, as a fraction of the
     * teacher's move (tbcm guidance-response), on {@code samples} samples of the evaluation's noise; the
     * student at {@code studentSteps} [1], the teacher at {@code teacherSteps} [16] with DPM-Solver++(2M).
     */
    public record GuidanceResponseSetting(double low, double high, int samples,
            @OptionalKey Integer studentSteps,
            @OptionalKey Integer teacherSteps) {
        public GuidanceResponseSetting {
            GuidanceScales.check("evaluation.guidance_response.low", low);
            GuidanceScales.check("evaluation.guidance_response.high", high);
            if (low == high) {
                throw new IllegalArgumentException("evaluation.guidance_response: low and high must differ, both are "
                        + low);
            }
            if (samples < 1 || samples > 100_000) {
                throw new IllegalArgumentException("evaluation.guidance_response.samples must be in 1..100000, got "
                        + samples);
            }
            studentSteps = studentSteps == null ? 1 : studentSteps;
            teacherSteps = teacherSteps == null ? 16 : teacherSteps;
            if (studentSteps < 1 || studentSteps > 64 || teacherSteps < 1 || teacherSteps > 1000) {
                throw new IllegalArgumentException("evaluation.guidance_response: student_steps must be in 1..64 and "
                        + "teacher_steps in 1..1000");
            }
        }
    }

    public record Evaluation(int samples, long seed, List<Integer> studentSteps, List<Double> guidance,
            @OptionalKey Double intermediateTime,
            @OptionalKey Boolean snapshots,
            @OptionalKey List<TeacherSetting> teacher,
            @OptionalKey Gap gap,
            @OptionalKey String teacherModel,
            @OptionalKey String autoencoder,
            @OptionalKey String classifier,
            @OptionalKey String reference,
            @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
            @OptionalKey
            GuidanceResponseSetting guidanceResponse) {
        public Evaluation {
            if (samples < 20 || samples > 100_000) {
                throw new IllegalArgumentException("evaluation.samples must be in 20..100000, got " + samples);
            }
            if (studentSteps == null || studentSteps.isEmpty()) {
                throw new IllegalArgumentException("evaluation.student_steps must list at least one step count");
            }
            for (int k : studentSteps) {
                if (k < 1 || k > 64) {
                    throw new IllegalArgumentException("evaluation.student_steps must be in 1..64, got " + k);
                }
            }
            if (guidance == null || guidance.isEmpty()) {
                throw new IllegalArgumentException("evaluation.guidance must list at least one scale");
            }
            guidance.forEach(w -> GuidanceScales.check("evaluation.guidance", w));
            intermediateTime = intermediateTime == null ? 1.0 : intermediateTime;
            snapshots = snapshots != null && snapshots;
            teacher = teacher == null ? List.of() : List.copyOf(teacher);
            teacherModel = teacherModel == null ? "models/fashion-mnist/teacher.safetensors" : teacherModel;
            autoencoder = autoencoder == null ? "models/fashion-mnist/autoencoder.safetensors" : autoencoder;
            classifier = classifier == null ? "models/fashion-mnist/classifier.safetensors" : classifier;
            reference = reference == null ? "models/fashion-mnist/reference-features.safetensors" : reference;
        }
    }

    public Plan {
        if (name == null || !SAFE_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("name must be 1-64 letters, digits, '.', '_' or '-', got " + name);
        }
        checkSeeds("seeds", seeds);
        if (evaluation == null) {
            throw new IllegalArgumentException("evaluation is required");
        }
        if (arms == null || arms.isEmpty() || arms.size() > MAX_ARMS) {
            throw new IllegalArgumentException("arms must list 1.." + MAX_ARMS + " arms");
        }
        Set<String> names = new HashSet<>();
        for (Arm arm : arms) {
            if (arm.name() == null || !SAFE_NAME.matcher(arm.name()).matches()) {
                throw new IllegalArgumentException("arm name must be 1-64 letters, digits, '.', '_' or '-', got "
                        + arm.name());
            }
            if (!names.add(arm.name())) {
                throw new IllegalArgumentException("arm '" + arm.name() + "' is named twice");
            }
        }
        for (Arm arm : arms) {
            if ((arm.config() == null) == (arm.like() == null)) {
                throw new IllegalArgumentException("arm '" + arm.name() + "' needs exactly one of config and like");
            }
            for (String other : new String[] {arm.like(), arm.matchTimeOf()}) {
                if (other != null && (!names.contains(other) || other.equals(arm.name()))) {
                    throw new IllegalArgumentException("arm '" + arm.name() + "' refers to arm '" + other
                            + "', which is not another arm of the plan (arms: " + names + ")");
                }
            }
            if (arm.matchTimeOf() != null && arm.like() == null) {
                throw new IllegalArgumentException("arm '" + arm.name() + "': match_time_of needs like (the arm "
                        + "whose time per iteration is scaled)");
            }
        }
        for (Arm arm : arms) {
            if (arm.matchTimeOf() != null) {
                List<Long> own = arm.seeds() == null ? seeds : arm.seeds();
                for (String dep : List.of(arm.like(), arm.matchTimeOf())) {
                    Arm other = arms.stream().filter(a -> a.name().equals(dep)).findFirst().orElseThrow();
                    List<Long> theirs = other.seeds() == null ? seeds : other.seeds();
                    if (!theirs.containsAll(own)) {
                        throw new IllegalArgumentException("arm '" + arm.name() + "' matches times seed by seed, so "
                                + "arm '" + dep + "' needs its seeds " + own + ", it has " + theirs);
                    }
                }
            }
        }
        if (reference == null || !names.contains(reference)) {
            throw new IllegalArgumentException("reference must name an arm of the plan (arms: " + names + "), got "
                    + reference);
        }
        compare = compare == null ? List.of() : List.copyOf(compare);
        for (List<String> pair : compare) {
            if (pair == null || pair.size() != 2 || !names.contains(pair.get(0)) || !names.contains(pair.get(1))
                    || pair.get(0).equals(pair.get(1))) {
                throw new IllegalArgumentException("compare: each entry must be [arm, another arm] of the plan (arms: "
                        + names + "), got " + pair);
            }
        }
        description = description == null ? "" : description;
        seeds = List.copyOf(seeds);
        arms = List.copyOf(arms);
    }

    private static void checkSeeds(String what, List<Long> seeds) {
        if (seeds == null || seeds.isEmpty()) {
            throw new IllegalArgumentException(what + " must list at least one seed");
        }
        if (seeds.size() > MAX_SEEDS || seeds.contains(null) || new HashSet<>(seeds).size() != seeds.size()) {
            throw new IllegalArgumentException(what + " must be distinct and at most " + MAX_SEEDS + ", got " + seeds);
        }
    }

    /** The seeds an arm is trained with: its own, or the plan's. */
    public List<Long> seeds(Arm arm) {
        return arm.seeds() == null ? seeds : arm.seeds();
    }

    /** Every seed of the plan, the plan's first, then those only some arms have (the order runs are made in). */
    public List<Long> allSeeds() {
        java.util.LinkedHashSet<Long> all = new java.util.LinkedHashSet<>(seeds);
        arms.forEach(a -> all.addAll(seeds(a)));
        return List.copyOf(all);
    }

    /** Whether every arm has the plan's seeds. */
    public boolean uniformSeeds() {
        return arms.stream().allMatch(a -> seeds(a).equals(seeds));
    }

    /** "seeds [0, 1, 2]", and the arms with other seeds, for summaries. */
    public String seedsText() {
        StringBuilder b = new StringBuilder("Seeds " + seeds);
        for (Arm a : arms) {
            if (!seeds(a).equals(seeds)) {
                b.append(", arm `").append(a.name()).append("` ").append(seeds(a));
            }
        }
        return b.toString();
    }

    /** Reads a plan and checks every arm's config and overrides now, before any run starts. */
    public static Plan load(Path file) {
        Plan plan = Configs.load(file, Plan.class);
        for (Arm arm : plan.arms()) {
            plan.armChain(arm);
            try {
                plan.config(arm, plan.seeds(arm).get(0), List.of());
            } catch (ConfigException | IllegalArgumentException e) {
                throw new ConfigException(file + ": arm '" + arm.name() + "': " + e.getMessage());
            }
        }
        return plan;
    }

    /** Every comparison the summary makes, [arm, against]: each arm against the reference, then compare's. */
    public List<List<String>> comparisons() {
        List<List<String>> all = new ArrayList<>();
        for (Arm arm : arms) {
            if (!arm.name().equals(reference)) {
                all.add(List.of(arm.name(), reference));
            }
        }
        for (List<String> pair : compare) {
            if (!all.contains(pair)) {
                all.add(List.copyOf(pair));
            }
        }
        return all;
    }

    public Arm arm(String armName) {
        return arms.stream().filter(a -> a.name().equals(armName)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("the plan has no arm '" + armName + "'"));
    }

    /** The arm and the arms it is {@code like}, root first; a cycle is an error. */
    List<Arm> armChain(Arm arm) {
        List<Arm> chain = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (Arm a = arm; a != null; a = a.like() == null ? null : arm(a.like())) {
            if (!seen.add(a.name())) {
                throw new IllegalArgumentException("arm '" + arm.name() + "': like forms a cycle through '"
                        + a.name() + "'");
            }
            chain.add(0, a);
        }
        return chain;
    }

    /** The config file an arm starts from (its own, or that of the arm it is like). */
    public Path configFile(Arm arm) {
        return Home.resolve(armChain(arm).get(0).config());
    }

    /** The overrides an arm declares: those of the arms it is like first, then its own. */
    public List<String> armOverrides(Arm arm) {
        List<String> all = new ArrayList<>();
        for (Arm a : armChain(arm)) {
            all.addAll(a.set());
        }
        return all;
    }

    /** The overrides of one run: the arm's, then the seed and {@code extra}. */
    public List<String> overrides(Arm arm, long seed, List<String> extra) {
        List<String> all = new ArrayList<>(armOverrides(arm));
        all.add("seed=" + seed);
        all.addAll(extra);
        return all;
    }

    /** The distillation config of (arm, seed), with {@code extra} overrides (e.g. a matched time). */
    public DistillConfig config(Arm arm, long seed, List<String> extra) {
        return Configs.load(configFile(arm), DistillConfig.class, overrides(arm, seed, extra));
    }

    /** The arms a run of {@code arm} must wait for (same seed): the one it is like and the one whose time it matches. */
    public List<String> dependencies(Arm arm) {
        List<String> deps = new ArrayList<>();
        if (arm.matchTimeOf() != null) {
            deps.add(arm.like());
            deps.add(arm.matchTimeOf());
        }
        return deps;
    }

    /** The evaluation, as a JSON tree: stored with each result, so that a changed evaluation is redone. */
    public Map<String, Object> evaluationJson() {
        return Json.JSON.convertValue(evaluation, Map.class);
    }

    /**
     * Whether scores kept under an evaluation read back from a file are this plan's: the same evaluation up to
     * its guidance response, which is measured apart and does not change the scores.
     */
    boolean sameScoring(JsonNode stored) {
        try {
            com.fasterxml.jackson.databind.node.ObjectNode a = Json.JSON.valueToTree(Json.JSON.treeToValue(stored,
                    Evaluation.class));
            com.fasterxml.jackson.databind.node.ObjectNode b = Json.JSON.valueToTree(evaluation);
            a.remove("guidance_response");
            b.remove("guidance_response");
            return a.equals(b);
        } catch (com.fasterxml.jackson.core.JsonProcessingException | IllegalArgumentException e) {
            return false;
        }
    }

    /** Whether an evaluation read back from a result file is this plan's (compared as values, not as JSON text). */
    boolean sameEvaluation(JsonNode stored) {
        try {
            return Json.JSON.valueToTree(Json.JSON.treeToValue(stored, Evaluation.class))
                    .equals(Json.JSON.valueToTree(evaluation));
        } catch (com.fasterxml.jackson.core.JsonProcessingException | IllegalArgumentException e) {
            return false;
        }
    }
}
