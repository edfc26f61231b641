package org.tbcm4j.experiment;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.tbcm4j.util.ChildProcess;
import org.tbcm4j.distill.DistillConfig;
import org.tbcm4j.util.Home;
import org.tbcm4j.util.Json;

/**
 * {@code tbcm experiment}: every (arm, seed) run of a plan in its own child JVM, then the summary. Invoked
 * again it skips runs whose result exists (and was scored with the plan's evaluation), resumes
 * interrupted ones from their last checkpoint, and scores again those whose evaluation changed.
 */
public final class Experiment {
    private final Plan plan;
    private final Path planFile;
    private final Layout layout;
    private final int jobs;
    private final Path dataDir;

    /** One unit of work: a run, or the teacher's scoring. */
    private record Task(String arm, long seed) {
        boolean isTeacher() {
            return arm == null;
        }

        String describe() {
            return isTeacher() ? "teacher" : arm + " seed " + seed;
        }
    }

    public Experiment(Plan plan, Path planFile, Path out, int jobs, Path dataDir) {
        if (jobs < 1 || jobs > 64) {
            throw new IllegalArgumentException("--jobs must be in 1..64, got " + jobs);
        }
        this.plan = plan;
        this.planFile = planFile.toAbsolutePath();
        this.layout = new Layout(out.toAbsolutePath());
        this.jobs = jobs;
        this.dataDir = dataDir;
    }

    /** What the plan would run: each arm's config file, overrides and pairs per iteration, and what is done. */
    public void describe() {
        for (Plan.Arm arm : plan.arms()) {
            List<Long> seeds = plan.seeds(arm);
            DistillConfig c = plan.config(arm, seeds.get(0), List.of());
            long done = seeds.stream().filter(s -> Files.exists(layout.result(arm.name(), s))).count();
            System.out.printf(Locale.ROOT, "%s: %s %s%s → %s: %d pairs per iteration, %d iterations; %d/%d seeds done%n",
                    arm.name(), plan.configFile(arm), plan.armOverrides(arm),
                    arm.matchTimeOf() == null ? "" : ", time matched to " + arm.matchTimeOf(), c.method(),
                    c.pairsPerIteration(), c.training().steps(), done, seeds.size());
        }
    }

    /** Runs what is missing, then writes the summary; returns the number of failed runs. */
    public int run() {
        List<Task> all = new ArrayList<>();
        if (!plan.evaluation().teacher().isEmpty()) {
            all.add(new Task(null, 0));
        }
        // seed-major, so that an interrupted plan has whole seeds to compare
        for (long seed : plan.allSeeds()) {
            for (Plan.Arm arm : plan.arms()) {
                if (plan.seeds(arm).contains(seed)) {
                    all.add(new Task(arm.name(), seed));
                }
            }
        }
        List<Task> pending = all.stream().filter(t -> !done(t)).toList();
        System.out.printf(Locale.ROOT, "experiment %s: %d runs (%d arms × %s seeds)%s, %d to do, %d job%s; out: %s%n",
                plan.name(), all.size() - (plan.evaluation().teacher().isEmpty() ? 0 : 1), plan.arms().size(),
                plan.uniformSeeds() ? String.valueOf(plan.seeds().size()) : "their",
                plan.evaluation().teacher().isEmpty() ? "" : " and the teacher", pending.size(), jobs,
                jobs == 1 ? "" : "s", layout.out());
        copyPlan();
        ProgressLine progress = new ProgressLine(all.size(), all.size() - pending.size());
        Map<Task, CompletableFuture<Boolean>> futures = new LinkedHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(jobs);
        try {
            for (Task task : orderedByDependencies(pending)) {
                Map<Task, CompletableFuture<Boolean>> deps = new LinkedHashMap<>();
                if (!task.isTeacher()) {
                    for (String dep : plan.dependencies(plan.arm(task.arm()))) {
                        Task depTask = new Task(dep, task.seed());
                        if (futures.containsKey(depTask)) {
                            deps.put(depTask, futures.get(depTask));
                        }
                    }
                }
                CompletableFuture<Void> ready = CompletableFuture.allOf(deps.values().toArray(CompletableFuture[]::new));
                futures.put(task, ready.thenApplyAsync(v -> {
                    List<String> failedDeps = deps.entrySet().stream().filter(d -> !d.getValue().join())
                            .map(d -> d.getKey().describe()).toList();
                    if (!failedDeps.isEmpty()) {
                        progress.failed(task.describe(), "not run: it takes its training time from "
                                + String.join(", ", failedDeps) + ", which failed");
                        return false;
                    }
                    return execute(task, progress);
                }, pool));
            }
            long failed = futures.values().stream().filter(f -> !f.join()).count();
            summarize();
            return (int) failed;
        } finally {
            pool.shutdownNow();
        }
    }

    /** Writes the summary files from the results there are (all of them once the plan is done). */
    public void summarize() {
        Summary.write(plan, layout, "bin/tbcm experiment --plan " + Home.relative(planFile));
        System.out.println("wrote " + layout.file("summary.md") + ", summary.json, results.csv and index.html");
    }

    /** Runs first, then those that wait for other arms' results (match_time_of). */
    private List<Task> orderedByDependencies(List<Task> pending) {
        List<Task> ordered = new ArrayList<>();
        pending.stream().filter(t -> t.isTeacher() || plan.dependencies(plan.arm(t.arm())).isEmpty())
                .forEach(ordered::add);
        pending.stream().filter(t -> !ordered.contains(t)).forEach(ordered::add);
        return ordered;
    }

    /**
     * Whether a task's result exists and was scored with the plan's current evaluation. A result trained
     * with another config than the plan now gives is an error: the plan was edited under a finished run.
     */
    private boolean done(Task task) {
        Path file = task.isTeacher() ? layout.teacherResult() : layout.result(task.arm(), task.seed());
        if (!Files.exists(file)) {
            return false;
        }
        JsonNode result = RunExecution.read(file);
        if (!task.isTeacher() && dependenciesDone(task)) {
            Plan.Arm arm = plan.arm(task.arm());
            DistillConfig now = plan.config(arm, task.seed(), matchedTime(arm, task.seed()));
            if (!tree(now).equals(tree(Json.JSON.convertValue(result.get("config"), DistillConfig.class)))) {
                throw new IllegalArgumentException(file + " was trained with another config than the plan now gives "
                        + "arm '" + task.arm() + "' seed " + task.seed() + "; delete it and "
                        + layout.run(task.arm(), task.seed()).root() + " to run it again");
            }
        }
        // the teacher's rows are the whole of its result, and the guidance response does not change them
        return task.isTeacher() ? plan.sameScoring(result.path("evaluation")) : plan.sameEvaluation(result.path("evaluation"));
    }

    private boolean dependenciesDone(Task task) {
        return plan.dependencies(plan.arm(task.arm())).stream()
                .allMatch(dep -> Files.exists(layout.result(dep, task.seed())));
    }

    /** Records as JSON trees, for comparing values read back from a file with values built now. */
    private static JsonNode tree(Object value) {
        return Json.JSON.valueToTree(value);
    }

    /** Runs one task in a child JVM; false (with the reason printed) if it failed. */
    private boolean execute(Task task, ProgressLine progress) {
        long t0 = System.nanoTime();
        try {
            List<String> args = new ArrayList<>(List.of("experiment-run", "--plan", planFile.toString(), "--out",
                    layout.out().toString()));
            Path log;
            if (task.isTeacher()) {
                args.add("--teacher");
                log = layout.teacherLog();
            } else {
                args.addAll(List.of("--arm", task.arm(), "--seed", String.valueOf(task.seed())));
                for (String set : matchedTime(plan.arm(task.arm()), task.seed())) {
                    args.addAll(List.of("--set", set));
                }
                log = layout.log(task.arm(), task.seed());
            }
            if (dataDir != null) {
                args.addAll(List.of("--data", dataDir.toString()));
            }
            progress.started(task.describe(), log);
            ChildProcess.run(log, ChildProcess.Log.APPEND, jobs > 1 ? Math.max(1, Runtime.getRuntime().availableProcessors() / jobs) : 0,
                    args.toArray(String[]::new));
            progress.finished(task.describe(), (System.nanoTime() - t0) / 1e9);
            return true;
        } catch (RuntimeException e) {
            progress.failed(task.describe(), e.getMessage());
            return false;
        }
    }

    /**
     * For an arm that matches another's time: its like-arm's time-scaled keys multiplied by the training
     * seconds of the matched arm over those of the like-arm, for this seed (both results exist by now).
     */
    List<String> matchedTime(Plan.Arm arm, long seed) {
        if (arm.matchTimeOf() == null) {
            return List.of();
        }
        double ratio = trainSeconds(arm.matchTimeOf(), seed) / trainSeconds(arm.like(), seed);
        JsonNode like = Json.JSON.valueToTree(plan.config(plan.arm(arm.like()), seed, List.of()));
        List<String> sets = new ArrayList<>();
        for (String key : arm.timeScaled()) {
            JsonNode value = like;
            for (String part : key.split("\\.")) {
                value = value.path(part);
            }
            if (!value.isIntegralNumber()) {
                throw new IllegalArgumentException("arm '" + arm.name() + "': time_scaled key " + key
                        + " is not a whole number in arm '" + arm.like() + "'s config");
            }
            sets.add(key + "=" + Math.max(1, Math.round(value.asLong() * ratio)));
        }
        return sets;
    }

    private double trainSeconds(String arm, long seed) {
        Path file = layout.result(arm, seed);
        if (!Files.exists(file)) {
            throw new IllegalStateException("no result for arm '" + arm + "' seed " + seed + " yet");
        }
        return RunExecution.read(file).path("training").path("train_seconds").asDouble();
    }

    private void copyPlan() {
        try {
            Files.createDirectories(layout.out());
            org.tbcm4j.util.AtomicFiles.write(layout.file("plan.yaml"), Files.readAllBytes(planFile));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + layout.file("plan.yaml"), e);
        }
    }
}
