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
import org.tbcm4j.model.Discriminator;
import org.tbcm4j.model.ModelFiles;
import org.tbcm4j.model.Provenance;
import org.tbcm4j.model.Student;
import org.tbcm4j.model.StudentConfig;
import org.tbcm4j.nn.OptimizerConfig;
import org.tbcm4j.train.RunDirectory;
import org.tbcm4j.train.TrainLoop;
import org.tbcm4j.trigflow.ReferenceRoute;
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
            evaluator = evaluator(cfg, parts.teacher(), teacherFile, dir, root)::evaluate;
            names = StudentEvaluator.NAMES;
        }
        System.out.println(describe(cfg));
        dir.prepare(resume);
        dir.saveConfig(cfg);
        if (parts.data() != null) {
            dir.recordDataset(parts.data(), resume);
        }
        // the student learns the teacher's latents and classes: it records what the teacher records
        java.util.Map<String, String> provenance = Provenance.read(teacherFile).metadata();
        TrainLoop.Outcome out = new TrainLoop(dir, ModelFiles.STUDENT, parts.student().config(), cfg.training(), cfg.seed(),
                provenance)
                .run(parts.student(), parts.average(), new DistillTask(parts.student(), parts.source(), parts.loss(), names,
                        evaluator, parts.ladd()), resume, stopAfter, root);
        RunDirectory.Totals totals = dir.addToTotals(resume, (System.nanoTime() - t0) / 1e9,
                ProcessMemory.peakResidentBytes());
        return new Outcome(out, dir.model(), totals.seconds(), totals.peakResidentBytes(),
                parts.source().pairsPerIteration());
    }

    /**
     * What an iteration is made of, built from the config: the frozen teacher, the student initialised
     * from it (and its average, when the config keeps an EMA), the pair source, LADD's parts when enabled,
     * and the loss settings of the arm.
     */
    public record Parts(DiT teacher, Student student, Student average, PairSource source, DistillTask.Ladd ladd,
            LossSettings loss, Dataset data) {}

    /** Builds {@link Parts}; the data arms read their images from {@code dataDir}. */
    public static Parts build(DistillConfig cfg, Path dataDir, NDManager root) {
        DiT teacher = ModelFiles.teacher(Home.resolve(cfg.teacher()), root);
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
        // Frozen: LADD's adversarial gradient passes through the teacher to the student, never into it.
        teacher.setTrainable(false);
        // the image-free arm never opens a dataset
        Dataset data = "data".equals(cfg.pairs()) ? Datasets.open(dataDir) : null;
        PairSource source = source(cfg, teacher, data, root);
        DistillTask.Ladd ladd = cfg.ladd().enabled() ? ladd(cfg, teacher, (DataPairs) source, root) : null;
        LossSettings loss = "data".equals(cfg.pairs()) ? cfg.loss().withoutCalmDown() : cfg.loss();
        return new Parts(teacher, student, average, source, ladd, loss, data);
    }

    /** The run's batch in words, printed at its start (as nanoGPT prints its tokens per iteration). */
    static String describe(DistillConfig cfg) {
        String store = "trajectory".equals(cfg.pairs()) && cfg.rolloutStore() > 0
                ? ", drawn from a store of " + cfg.rolloutStore() + " prompts' rollouts" : "";
        String ladd = cfg.ladd().enabled() ? ", with LADD (a discriminator on teacher blocks "
                + Arrays.toString(cfg.ladd().headBlockIds()) + ", one update of it per iteration)" : "";
        return String.format(Locale.ROOT, "%s pairs: %d per iteration (%d prompts × %d route point%s), %d iterations%s%s",
                cfg.pairs(), cfg.pairsPerIteration(), cfg.promptsPerIteration(), cfg.pointsPerRollout(),
                cfg.pointsPerRollout() == 1 ? "" : "s", cfg.training().steps(), store, ladd);
    }

    private static StudentEvaluator evaluator(DistillConfig cfg, DiT teacher, Path teacherFile, RunDirectory dir,
            NDManager root) {
        DistillConfig.EvaluationConfig e = cfg.evaluation();
        Path aeFile = Home.resolve(e.autoencoder());
        Autoencoder ae = ModelFiles.autoencoder(aeFile, root);
        ModelFiles.requireLatentFit(ae, teacher.config(), aeFile, teacherFile);
        Scorer scorer = Scorer.load(Home.resolve(e.classifier()), Home.resolve(e.reference()), root);
        return new StudentEvaluator(ae, scorer, e.samples(), e.guidance(), e.intermediateTime(), dir.file("samples"),
                cfg.seed());
    }

    private static PairSource source(DistillConfig cfg, DiT teacher, Dataset data, NDManager root) {
        if ("trajectory".equals(cfg.pairs())) {
            DegenerateFilter filter = null;
            if (cfg.filter() != null && cfg.filter().enabled()) {
                filter = new DegenerateFilter(BlankLatent.load(Home.resolve(cfg.filter().reference()), root),
                        cfg.filter().threshold());
            }
            return new TrajectoryPairs(teacher, new ReferenceRoute(cfg.routeSteps(), cfg.routeShift()),
                    cfg.promptsPerIteration(), cfg.guidanceScales(), filter, cfg.seed(),
                    new TrajectoryPairs.Options(cfg.route(), "one".equals(cfg.rolloutPoints()), cfg.rolloutStore()));
        }
        DistillConfig.DataPairsConfig d = cfg.dataPairs();
        if (d == null) {
            throw new IllegalArgumentException("pairs: data needs a data_pairs section (p_mean, p_std, autoencoder)");
        }
        Path aeFile = Home.resolve(d.autoencoder());
        Autoencoder ae = ModelFiles.autoencoder(aeFile, root);
        ModelFiles.requireLatentFit(ae, teacher.config(), aeFile, Home.resolve(cfg.teacher()));
        Provenance.read(Home.resolve(cfg.teacher())).requireDataset(data, Home.resolve(cfg.teacher()));
        return new DataPairs(teacher, ae, data.train(), cfg.pairsPerIteration(),
                d.pMean(), d.pStd(), cfg.guidanceScales(), cfg.seed(), cfg.ladd().enabled() ? 2 : 1);
    }

    /**
     * Sana-Sprint's discriminator and its optimizer: the official loop builds the heads' optimizer from the
     * student's settings and gives it no schedule, so the heads train at the student's peak rate from the start.
     */
    private static DistillTask.Ladd ladd(DistillConfig cfg, DiT teacher, DataPairs data, NDManager root) {
        LaddConfig c = cfg.ladd();
        Discriminator discriminator;
        try {
            discriminator = new Discriminator(teacher.config(), c.headBlockIds());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("ladd.head_block_ids: " + e.getMessage());
        }
        discriminator.initialize(root, DataType.FLOAT32, cfg.seed());
        OptimizerConfig g = cfg.training().optimizer();
        OptimizerConfig d = new OptimizerConfig(g.lr(), g.beta1(), g.beta2(), g.eps(), g.weightDecay(), 0, g.clipNorm(), 0);
        AdversarialLoss loss = new AdversarialLoss(teacher, discriminator, c, cfg.dataPairs().pMean(),
                cfg.dataPairs().pStd());
        return new DistillTask.Ladd(loss, discriminator, d, data, c, cfg.seed());
    }
}
