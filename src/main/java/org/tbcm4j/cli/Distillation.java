package org.tbcm4j.cli;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.nio.file.Files;
import java.nio.file.Path;
import org.tbcm4j.data.FashionMnist;
import org.tbcm4j.distill.BlankLatent;
import org.tbcm4j.distill.DataPairs;
import org.tbcm4j.distill.DegenerateFilter;
import org.tbcm4j.distill.DistillTask;
import org.tbcm4j.distill.LossSettings;
import org.tbcm4j.distill.PairSource;
import org.tbcm4j.distill.TrajectoryPairs;
import org.tbcm4j.eval.Fingerprint;
import org.tbcm4j.eval.ReferenceFeatures;
import org.tbcm4j.model.Autoencoder;
import org.tbcm4j.model.Classifier;
import org.tbcm4j.model.DiT;
import org.tbcm4j.model.ModelFiles;
import org.tbcm4j.model.Student;
import org.tbcm4j.model.StudentConfig;
import org.tbcm4j.train.RunDirectory;
import org.tbcm4j.train.TrainLoop;
import org.tbcm4j.trigflow.ReferenceRoute;
import org.tbcm4j.util.Home;
import org.tbcm4j.util.ProcessMemory;

/** Builds a distillation run from its config (teacher, student, pair source, evaluator) and runs it. */
final class Distillation {
    /** What a run did. */
    record Outcome(TrainLoop.Outcome loop, Path model, double seconds, long peakResidentBytes, int pairsPerIteration) {}

    private Distillation() {}

    static Outcome run(DistillRunConfig cfg, RunDirectory dir, Path dataDir, boolean resume, long stopAfter,
            NDManager root) {
        long t0 = System.nanoTime();
        Path teacherFile = Home.resolve(cfg.teacher());
        DiT teacher = ModelFiles.teacher(teacherFile, root);
        StudentConfig studentConfig = new StudentConfig(teacher.config(), cfg.guidanceInputScale());
        Student student = new Student(studentConfig);
        student.initialize(root, DataType.FLOAT32, cfg.seed());
        student.backbone().copyFrom(teacher);
        // The official recipe keeps no EMA (ema_decay 0); a positive decay averages the student (our choice).
        Student average = null;
        if (cfg.training().emaDecay() > 0) {
            average = new Student(studentConfig);
            average.initialize(root, DataType.FLOAT32, cfg.seed());
        }
        PairSource source = source(cfg, teacher, dataDir, root);
        LossSettings loss = "data".equals(cfg.pairs()) ? cfg.loss().withoutCalmDown() : cfg.loss();
        DistillTask.Evaluator evaluator = null;
        java.util.List<String> names = java.util.List.of();
        if (cfg.evaluation() != null && cfg.training().evalEvery() > 0) {
            DistillRunConfig.EvaluationConfig e = cfg.evaluation();
            Autoencoder ae = ModelFiles.autoencoder(Home.resolve(e.autoencoder()), root);
            ModelFiles.requireLatentFit(ae, teacher.config(), Home.resolve(e.autoencoder()), teacherFile);
            Classifier cls = ModelFiles.classifier(Home.resolve(e.classifier()), root);
            float[][] ref = ReferenceFeatures.load(Home.resolve(e.reference()), Fingerprint.of(cls), root);
            evaluator = new StudentEvaluator(ae, cls, ref, e, dir.file("samples"), cfg.seed());
            names = StudentEvaluator.NAMES;
        }
        dir.prepare(resume);
        RunConfigFile.save(dir, cfg);
        TrainLoop.Outcome out = new TrainLoop(dir, ModelFiles.STUDENT, studentConfig, cfg.training(), cfg.seed())
                .run(student, average, new DistillTask(student, source, loss, names, evaluator), resume, stopAfter, root);
        double[] totals = accumulate(dir, resume, (System.nanoTime() - t0) / 1e9, ProcessMemory.peakResidentBytes());
        return new Outcome(out, dir.model(), totals[0], (long) totals[1], source.pairsPerIteration());
    }

    /**
     * Totals over the invocations of one run (an interrupted run resumed later): seconds add up, the peak
     * memory is the largest. Kept in summary.json next to the run's other files; returns {seconds, peak}.
     */
    private static double[] accumulate(RunDirectory dir, boolean resume, double seconds, double peakBytes) {
        Path file = dir.file("summary.json");
        double previousSeconds = 0;
        double previousPeak = 0;
        try {
            if (resume && Files.exists(file)) {
                com.fasterxml.jackson.databind.JsonNode json = org.tbcm4j.util.Json.JSON.readTree(file.toFile());
                previousSeconds = json.path("seconds").asDouble(0);
                previousPeak = json.path("peak_resident_bytes").asDouble(0);
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot read " + file, e);
        }
        double[] totals = {previousSeconds + seconds, Math.max(previousPeak, peakBytes)};
        RunDirectory.writeAtomically(file, org.tbcm4j.util.Json.write(java.util.Map.of("seconds", totals[0],
                "peak_resident_bytes", totals[1])));
        return totals;
    }

    private static PairSource source(DistillRunConfig cfg, DiT teacher, Path dataDir, NDManager root) {
        int pairs = cfg.promptsPerIteration() * (cfg.routeSteps() - 1);
        if ("trajectory".equals(cfg.pairs())) {
            DegenerateFilter filter = null;
            if (cfg.filter() != null && cfg.filter().enabled()) {
                filter = new DegenerateFilter(BlankLatent.load(Home.resolve(cfg.filter().reference()), root),
                        cfg.filter().threshold());
            }
            return new TrajectoryPairs(teacher, new ReferenceRoute(cfg.routeSteps(), cfg.routeShift()),
                    cfg.promptsPerIteration(), cfg.guidanceScales(), filter, cfg.seed());
        }
        DistillRunConfig.DataPairsConfig d = cfg.dataPairs();
        if (d == null) {
            throw new IllegalArgumentException("pairs: data needs a data_pairs section (p_mean, p_std, autoencoder)");
        }
        Path aeFile = Home.resolve(d.autoencoder());
        Autoencoder ae = ModelFiles.autoencoder(aeFile, root);
        ModelFiles.requireLatentFit(ae, teacher.config(), aeFile, Home.resolve(cfg.teacher()));
        return new DataPairs(teacher, ae, FashionMnist.load(dataDir, FashionMnist.Split.TRAIN), pairs, d.pMean(),
                d.pStd(), cfg.guidanceScales(), cfg.seed());
    }
}
