package org.tbcm4j.experiment;

import ai.djl.ndarray.NDManager;
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
import java.util.stream.Stream;
import org.tbcm4j.config.Configs;
import org.tbcm4j.distill.AdversaryBalance;
import org.tbcm4j.distill.DistillConfig;
import org.tbcm4j.distill.Distillation;
import org.tbcm4j.distill.GapAnalysis;
import org.tbcm4j.distill.RunCost;
import org.tbcm4j.distill.TrajectoryStore;
import org.tbcm4j.eval.GeneratorScores;
import org.tbcm4j.eval.GuidanceResponse;
import org.tbcm4j.model.DiT;
import org.tbcm4j.model.ModelFiles;
import org.tbcm4j.model.Student;
import org.tbcm4j.model.StudentGenerator;
import org.tbcm4j.model.TeacherGenerator;
import org.tbcm4j.train.RunDirectory;
import org.tbcm4j.trigflow.OdeSampler;
import org.tbcm4j.trigflow.ReferenceRoute;
import org.tbcm4j.util.Digests;
import org.tbcm4j.util.Home;
import org.tbcm4j.util.Json;
import org.tbcm4j.util.ProcessMemory;
import org.tbcm4j.util.RunLock;

/**
 * One run of a plan, as its child JVM does it: train (arm, seed) into its run directory, resuming from the
 * last checkpoint if there is one, score the student (and its snapshots), and write the result file last,
 * atomically, so that a result exists only for a complete run.
 */
public final class RunExecution {
    private RunExecution() {}

    /** Trains and scores (arm, seed) of {@code plan} under {@code out}; {@code extra} are derived overrides. */
    public static void run(Plan plan, Path out, String armName, long seed, List<String> extra, Path dataDir,
            NDManager root) {
        Layout layout = new Layout(out);
        Plan.Arm arm = plan.arm(armName);
        DistillConfig config = plan.config(arm, seed, extra);
        RunDirectory dir = layout.run(armName, seed);
        Path store = arm.storeShards() == null ? null : dir.root().resolve("store").toAbsolutePath();
        if (store != null && !"tbcm".equals(config.method())) {
            throw new IllegalArgumentException("arm '" + armName + "': store_shards stores TBCM's rollouts; this arm is "
                    + "method " + config.method());
        }
        List<String> fromStore = new ArrayList<>(extra);
        if (store != null) {
            fromStore.add("trajectory_store=" + store);
        }
        DistillConfig trained = plan.config(arm, seed, fromStore);
        try (RunLock lock = RunLock.acquire(dir.root())) { // a restarted runner cannot train one run twice
            boolean resume = dir.hasCheckpoint();
            if (resume) {
                DistillConfig saved = Configs.load(dir.config(), DistillConfig.class);
                if (!Json.JSON.valueToTree(saved).equals(Json.JSON.valueToTree(trained))) {
                    throw new IllegalArgumentException("arm '" + armName + "' seed " + seed + ": the plan now gives another "
                            + "config than the one " + dir.root() + " was started with; delete that directory to start "
                            + "the run again");
                }
            }
            if (!Files.exists(dir.model())) {
                if (store != null) {
                    writeStore(config, store, arm.storeShards(), dir, root);
                    ProcessMemory.resetPeak(); // the trainer's peak, without the teacher that wrote the store
                }
                System.out.println((resume ? "resuming " : "training ") + armName + " seed " + seed + " in " + dir.root());
                Distillation.run(trained, dir, dataDir, resume, 0, root);
            }
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("arm", armName);
            result.put("seed", seed);
            result.put("overrides", plan.overrides(arm, seed, extra));
            result.put("config", Json.JSON.valueToTree(config));
            result.put("evaluation", plan.evaluationJson());
            result.put("training", training(dir, config));
            if (store != null) {
                result.put("trajectory_store", read(storeSeconds(dir)));
            }
            result.put("rows", studentRows(plan, dir, config.training().steps(), root));
            if (plan.evaluation().gap() != null) {
                result.put("gap", gap(plan.evaluation().gap(), config, dir, root));
            }
            if (plan.evaluation().guidanceResponse() != null) {
                result.put("guidance_response", guidanceResponse(plan.evaluation(), layout, dir.model(), root));
            }
            write(layout.result(armName, seed), result);
        }
    }

    /**
     * Writes the run's own trajectory store, shard by shard in this process (one worker, one thread, as
     * {@code bin/tbcm rollouts --shard I} does), keeping each shard's writing time beside the run, so that a
     * run stopped mid-store resumes with the times of the shards it already has.
     */
    private static void writeStore(DistillConfig config, Path store, int shards, RunDirectory dir, NDManager root) {
        Path file = storeSeconds(dir);
        Map<String, Object> record = new LinkedHashMap<>();
        Map<String, Double> seconds = new java.util.TreeMap<>();
        if (Files.exists(file)) {
            read(file).path("shard_seconds").fields().forEachRemaining(e -> seconds.put(e.getKey(),
                    e.getValue().asDouble()));
        }
        for (int shard = 0; shard < shards; shard++) {
            long start = System.nanoTime();
            if (TrajectoryStore.writeShard(config, store, shard, shards, root)) {
                seconds.put(String.format(Locale.ROOT, "%05d", shard), (System.nanoTime() - start) / 1e9);
            }
            double total = seconds.values().stream().mapToDouble(Double::doubleValue).sum();
            record.put("shards", shards);
            record.put("workers", 1);
            record.put("write_seconds", total);
            record.put("seconds_per_shard", seconds.isEmpty() ? 0.0 : total / seconds.size());
            record.put("shard_seconds", seconds);
            write(file, record);
        }
    }

    private static Path storeSeconds(RunDirectory dir) {
        return dir.root().resolve("store-seconds.json");
    }

    /** Scores the plan's teacher settings once, into results/teacher.json. */
    public static void teacher(Plan plan, Path out, NDManager root) {
        Plan.Evaluation e = plan.evaluation();
        GeneratorScores scoring = scores(e, root);
        Path teacherFile = Home.resolve(e.teacherModel());
        DiT teacher = ModelFiles.teacher(teacherFile, root);
        ModelFiles.requireLatentFit(scoring.autoencoder(), teacher.config(), Home.resolve(e.autoencoder()), teacherFile);
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Plan.TeacherSetting s : e.teacher()) {
            TeacherGenerator g = new TeacherGenerator(teacher, OdeSampler.parse(s.sampler()), s.steps(), s.cfg(),
                    s.shift());
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("generator", String.format(Locale.ROOT, "teacher, %d steps, w %s", s.steps(), number(s.cfg())));
            row.put("steps", s.steps());
            row.put("guidance", s.cfg());
            row.putAll(scoring.score(g, e.samples(), e.seed(), root));
            System.out.println(row);
            rows.add(row);
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("evaluation", plan.evaluationJson());
        result.put("rows", rows);
        write(new Layout(out).teacherResult(), result);
    }

    /**
     * The final student's guidance response. The teacher's move is the same for every run of the plan, so the
     * first run measures it and keeps it beside the results (with what it was measured under).
     */
    private static Map<String, Object> guidanceResponse(Plan.Evaluation e, Layout layout, Path model, NDManager root) {
        Plan.GuidanceResponseSetting s = e.guidanceResponse();
        try (NDManager m = root.newSubManager()) {
            Student student = ModelFiles.student(model, m);
            var backbone = student.config().backbone();
            long[] shape = {backbone.channels(), backbone.imageSize(), backbone.imageSize()};
            Map<String, Object> key = new LinkedHashMap<>();
            key.put("setting", Json.JSON.valueToTree(s));
            key.put("seed", e.seed());
            key.put("teacher_sha256", Digests.sha256(Home.resolve(e.teacherModel())));
            Path kept = layout.file("guidance-response-teacher.json");
            GuidanceResponse.Move teacherMove;
            JsonNode previous = Files.exists(kept) ? read(kept) : null;
            // compared as read back from text, where a long that fits in an int reads as one
            JsonNode keyAsStored;
            try {
                keyAsStored = Json.JSON.readTree(Json.write(key));
            } catch (IOException ex) {
                throw new UncheckedIOException(ex);
            }
            if (previous != null && previous.path("key").equals(keyAsStored)) {
                teacherMove = new GuidanceResponse.Move(previous.path("distance").asDouble(),
                        previous.path("size").asDouble());
            } else {
                // the teacher is loaded only when its move is not kept yet
                DiT teacher = ModelFiles.teacher(Home.resolve(e.teacherModel()), m);
                teacherMove = GuidanceResponse.move(w -> new TeacherGenerator(teacher, OdeSampler.DPM_SOLVER_2M,
                        s.teacherSteps(), w, 1.0), s.low(), s.high(), s.samples(), e.seed(), shape, m);
                Map<String, Object> keep = new LinkedHashMap<>();
                keep.put("key", key);
                keep.put("distance", teacherMove.distance());
                keep.put("size", teacherMove.size());
                write(kept, keep);
            }
            GuidanceResponse.Move studentMove = GuidanceResponse.move(w -> new StudentGenerator(student, s.studentSteps(),
                    e.intermediateTime(), w, e.seed()), s.low(), s.high(), s.samples(), e.seed(), shape, m);
            GuidanceResponse r = GuidanceResponse.of(s.low(), s.high(), s.samples(), studentMove, teacherMove);
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("fraction", r.fraction());
            out.put("student_distance", r.studentDistance());
            out.put("teacher_distance", r.teacherDistance());
            out.put("student_relative", r.studentRelative());
            out.put("teacher_relative", r.teacherRelative());
            return out;
        }
    }

    /**
     * The run's cost (iterations, training seconds, pairs per second, peak memory, teacher evaluations) and,
     * for a run with LADD's adversary, how hard it pulled.
     */
    private static Map<String, Object> training(RunDirectory dir, DistillConfig config) {
        Map<String, Object> training = RunCost.of(dir, config.pairsPerIteration()).json();
        AdversaryBalance.of(dir).ifPresent(b -> training.putAll(b.json()));
        return training;
    }

    /**
     * One row per scored model (the final one, and each snapshot if asked), student step count and guidance.
     * Each model's rows are kept under the run's scores/ as soon as they exist, with the evaluation and the
     * model's digest, so that a run stopped while scoring many snapshots resumes where it stopped.
     */
    private static List<Object> studentRows(Plan plan, RunDirectory dir, long iterations, NDManager root) {
        Plan.Evaluation e = plan.evaluation();
        Map<Long, Path> models = new java.util.TreeMap<>();
        if (e.snapshots()) {
            models.putAll(snapshots(dir.root().resolve("snapshots")));
        }
        models.put(iterations, dir.model());
        GeneratorScores scoring = null;
        List<Object> rows = new ArrayList<>();
        for (Map.Entry<Long, Path> model : models.entrySet()) {
            Path kept = dir.root().resolve("scores").resolve(String.format(Locale.ROOT, "iteration-%07d.json",
                    model.getKey()));
            String digest = Digests.sha256(model.getValue());
            JsonNode previous = Files.exists(kept) ? read(kept) : null;
            if (previous != null && previous.path("model_sha256").asText().equals(digest)
                    && plan.sameScoring(previous.path("evaluation"))) {
                previous.path("rows").forEach(rows::add);
                continue;
            }
            if (scoring == null) {
                scoring = scores(e, root);
            }
            List<Map<String, Object>> scored = score(scoring, e, model.getKey(), model.getValue(), root);
            Map<String, Object> keep = new LinkedHashMap<>();
            keep.put("evaluation", plan.evaluationJson());
            keep.put("model_sha256", digest);
            keep.put("rows", scored);
            write(kept, keep);
            rows.addAll(scored);
        }
        return rows;
    }

    private static GeneratorScores scores(Plan.Evaluation e, NDManager root) {
        return new GeneratorScores(Home.resolve(e.autoencoder()), Home.resolve(e.classifier()),
                Home.resolve(e.reference()), root);
    }

    private static List<Map<String, Object>> score(GeneratorScores scoring, Plan.Evaluation e, long iteration, Path modelFile,
            NDManager root) {
        List<Map<String, Object>> rows = new ArrayList<>();
        try (NDManager m = root.newSubManager()) {
            Student student = ModelFiles.student(modelFile, m);
            for (int k : e.studentSteps()) {
                for (double w : e.guidance()) {
                    StudentGenerator g = new StudentGenerator(student, k, e.intermediateTime(), w, e.seed());
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("generator", String.format(Locale.ROOT, "student, %d step%s, w %s", k,
                            k == 1 ? "" : "s", number(w)));
                    row.put("iteration", iteration);
                    row.put("steps", k);
                    row.put("guidance", w);
                    row.putAll(scoring.score(g, e.samples(), e.seed(), m));
                    System.out.printf(Locale.ROOT, "iteration %d, %s: FD %.4f%n", iteration, row.get("generator"),
                            (Double) row.get("fd"));
                    rows.add(row);
                }
            }
        }
        return rows;
    }

    /** Per route index, the final student's consistency error at trajectory and at diffusion points. */
    private static List<Map<String, Object>> gap(Plan.Gap g, DistillConfig config, RunDirectory dir, NDManager root) {
        try (NDManager m = root.newSubManager()) {
            DiT teacher = ModelFiles.teacher(Home.resolve(config.teacher()), m);
            Student student = ModelFiles.student(dir.model(), m);
            GapAnalysis.Result r = GapAnalysis.measure(teacher, List.of(student), g.prompts(), g.guidance(),
                    new ReferenceRoute(g.routeSteps(), g.routeShift()), g.seed(), m);
            List<Map<String, Object>> rows = new ArrayList<>();
            for (GapAnalysis.Row row : r.rows()) {
                Map<String, Object> o = new LinkedHashMap<>();
                o.put("index", row.index());
                o.put("t", row.t());
                o.put("trajectory_error", row.students().get(0).generation());
                o.put("diffusion_error", row.students().get(0).diffusion());
                rows.add(o);
            }
            return rows;
        }
    }

    private static Map<Long, Path> snapshots(Path directory) {
        Map<Long, Path> found = new LinkedHashMap<>();
        if (!Files.isDirectory(directory)) {
            return found;
        }
        try (Stream<Path> files = Files.list(directory)) {
            for (Path f : files.sorted().toList()) {
                String name = f.getFileName().toString();
                if (name.matches("step-\\d+\\.safetensors")) {
                    found.put(Long.parseLong(name.substring(5, name.length() - ".safetensors".length())), f);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + directory, e);
        }
        return found;
    }

    static String number(double w) {
        return w == Math.rint(w) ? String.valueOf((long) w) : String.valueOf(w);
    }

    static JsonNode read(Path file) {
        try {
            return Json.JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": cannot be read as JSON (" + e.getMessage() + ")");
        }
    }

    private static void write(Path file, Object value) {
        try {
            Files.createDirectories(file.getParent());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + file.getParent(), e);
        }
        try {
            RunDirectory.writeAtomically(file, Json.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(value));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + file, e);
        }
    }
}
