package org.tbcm4j.distill;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.tbcm4j.checkpoint.ModelFile;
import org.tbcm4j.data.Dataset;
import org.tbcm4j.data.Datasets;
import org.tbcm4j.eval.Scorer;
import org.tbcm4j.eval.StudentEvaluator;
import org.tbcm4j.model.Autoencoder;
import org.tbcm4j.model.DiT;
import org.tbcm4j.model.ModelFiles;
import org.tbcm4j.model.Provenance;
import org.tbcm4j.model.Student;
import org.tbcm4j.model.StudentConfig;
import org.tbcm4j.train.RunDirectory;
import org.tbcm4j.train.TrainLoop;
import org.tbcm4j.util.Home;
import org.tbcm4j.util.ProcessMemory;

/**
 * A distillation run, from its config to a student: the frozen teacher, the student initialised from it,
 * the pair source, the loss settings and the optional evaluator, trained by the shared loop. Usable from
 * any program: {@code Distillation.run(config, new RunDirectory(dir), dataDir, false, 0, manager)}.
 */
public final class Distillation {
    /**
     * What a run did.
     *
     * @param model the exported student (present once the run finished)
     * @param seconds wall time over all invocations of the run
     * @param peakResidentBytes the largest peak resident memory of those invocations
     */
    public record Outcome(TrainLoop.Outcome loop, Path model, double seconds, long peakResidentBytes,
            int pairsPerIteration) {}

    private Distillation() {}

    /**
     * Runs (or, with {@code resume}, continues) the distillation {@code cfg} in {@code dir}; the data arm
     * reads its images from {@code dataDir}. {@code stopAfter} > 0 stops after that step.
     */
    public static Outcome run(DistillConfig cfg, RunDirectory dir, Path dataDir, boolean resume, long stopAfter,
            NDManager root) {
        long t0 = System.nanoTime();
        Parts parts = build(cfg, dataDir, root);
        Path teacherFile = Home.resolve(cfg.teacher());
        DistillTask.Evaluator evaluator = null;
        List<String> names = List.of();
        if (cfg.evaluation() != null && cfg.training().evalEvery() > 0) {
            evaluator = evaluator(cfg, parts.student().config().backbone(), teacherFile, dir, root)::evaluate;
            names = StudentEvaluator.NAMES;
        }
        System.out.println(describe(cfg));
        String own = Method.of(cfg.method()).ownSettings(cfg);
        if (!own.isEmpty()) {
            System.out.println(own);
        }
        dir.prepare(resume);
        dir.saveConfig(cfg);
        if (parts.data() != null) {
            dir.recordDataset(parts.data(), resume);
        }
        // the student learns the teacher's latents and classes: it records what the teacher records, and the
        // teacher itself, so that serve and the other commands that draw a teacher beside it find its own
        java.util.Map<String, String> provenance = Provenance.ofStudent(teacherFile).metadata();
        TrainLoop.Outcome out = new TrainLoop(dir, ModelFiles.STUDENT, parts.student().config(), cfg.training(), cfg.seed(),
                provenance)
                .run(parts.student(), parts.average(), new DistillTask(parts.student(), parts.source(), parts.loss(), names,
                        evaluator, parts.auxiliary()), resume, stopAfter, root);
        RunDirectory.Totals totals = dir.addToTotals(resume, (System.nanoTime() - t0) / 1e9,
                ProcessMemory.peakResidentBytes());
        return new Outcome(out, dir.model(), totals.seconds(), totals.peakResidentBytes(),
                parts.source().pairsPerIteration());
    }

    /**
     * What an iteration is made of, built from the config: the frozen teacher (null when the pairs come from
     * a trajectory store: it only initialised the student), the student initialised from it (and its average,
     * when the config keeps an EMA), and the method's pair source, loss settings and own network (null for a
     * method without one).
     */
    public record Parts(DiT teacher, Student student, Student average, PairSource source, Auxiliary auxiliary,
            LossSettings loss, Dataset data) {}

    /** Builds {@link Parts}; a method that reads images reads them from {@code dataDir}. */
    public static Parts build(DistillConfig cfg, Path dataDir, NDManager root) {
        Method method = Method.of(cfg.method());
        // with a trajectory store the teacher only initialises the student, then leaves the process
        NDManager teacherScope = cfg.trajectoryStore() != null ? root.newSubManager() : root;
        DiT teacher = ModelFiles.teacher(Home.resolve(cfg.teacher()), teacherScope);
        StudentConfig studentConfig = new StudentConfig(teacher.config(), cfg.student().guidanceInputScale());
        Student student = new Student(studentConfig);
        student.initialize(root, DataType.FLOAT32, cfg.seed());
        student.backbone().copyFrom(teacher);
        // The official recipe keeps no EMA (ema_decay 0); a positive decay averages the student (our choice).
        Student average = null;
        if (cfg.training().emaDecay() > 0) {
            average = new Student(studentConfig);
            average.initialize(root, DataType.FLOAT32, cfg.seed());
        }
        // Frozen: an auxiliary loss through the teacher (LADD's) reaches the student, never the teacher.
        teacher.setTrainable(false);
        // an image-free method never opens a dataset
        Dataset data = method.readsImages() ? Datasets.open(dataDir) : null;
        Method.Ingredients made = method.build(cfg, teacher, student, data, root);
        if (teacherScope != root) {
            teacherScope.close();
            teacher = null;
        }
        return new Parts(teacher, student, average, made.source(), made.auxiliary(), made.loss(), data);
    }

    /** The run's batch in words, printed at its start (as nanoGPT prints its tokens per iteration). */
    static String describe(DistillConfig cfg) {
        Method method = Method.of(cfg.method());
        String store = method instanceof Tbcm && cfg.rolloutStore() > 0
                ? ", drawn from a store of " + cfg.rolloutStore() + " prompts' rollouts" : "";
        String ladd = method instanceof SanaSprint ? ", with LADD (a discriminator on teacher blocks "
                + Arrays.toString(cfg.ladd().headBlockIds()) + ", one update of it per iteration)" : "";
        return String.format(Locale.ROOT, "%s: %d pairs per iteration (%d prompts × %d route point%s), %d iterations%s%s",
                method.title(), cfg.pairsPerIteration(), cfg.promptsPerIteration(), cfg.pointsPerRollout(),
                cfg.pointsPerRollout() == 1 ? "" : "s", cfg.training().steps(), store, ladd);
    }

    private static StudentEvaluator evaluator(DistillConfig cfg, org.tbcm4j.model.DiTConfig network, Path teacherFile,
            RunDirectory dir, NDManager root) {
        DistillConfig.EvaluationConfig e = cfg.evaluation();
        Path aeFile = Home.resolve(e.autoencoder());
        Autoencoder ae = ModelFiles.autoencoder(aeFile, root);
        ModelFiles.requireLatentFit(ae, network, aeFile, teacherFile);
        Scorer scorer = Scorer.load(Home.resolve(e.classifier()), Home.resolve(e.reference()), root);
        return new StudentEvaluator(ae, scorer, e.samples(), e.guidance(), e.intermediateTime(), dir.file("samples"),
                cfg.seed());
    }
}
