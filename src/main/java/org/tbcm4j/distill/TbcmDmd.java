package org.tbcm4j.distill;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tbcm4j.data.Dataset;
import org.tbcm4j.model.DiT;
import org.tbcm4j.model.Student;
import org.tbcm4j.nn.Module;
import org.tbcm4j.nn.OptimizerConfig;
import org.tbcm4j.train.TrainingTask;
import org.tbcm4j.util.Rng;

/**
 * TBCM plus a distribution-matching regulariser, as rCM (NVlabs/rcm) adds DMD's reverse-divergence term to
 * sCM, and still image-free: TBCM's trajectory pairs and sCM loss, plus λ·L_DMD on the student's own
 * one-step samples after iteration dmd.start, with a fake score trained on those samples every iteration
 * ({@link DistributionMatching} holds both losses). Beyond the paper: neither TBCM nor Sana-Sprint has it.
 */
public record TbcmDmd() implements Method {
    public static final String KEY = "tbcm_dmd";
    /** bench iteration's rows for the regulariser's two parts. */
    public static final String STUDENT_ROW = "DMD student term: one step, teacher CFG + fake score, backward";
    public static final String FAKE_ROW = "DMD fake-score update (student samples, denoising loss, step)";

    @Override
    public String key() {
        return KEY;
    }

    @Override
    public String title() {
        return "TBCM + DMD (trajectory pairs and a distribution-matching regulariser, image-free)";
    }

    /**
     * The fake score starts as the student does (the teacher's backbone, a zero-initialised guidance input),
     * so at the start x_fake is the teacher's unguided estimate; it trains with the student's optimizer
     * settings at dmd.fake_lr_ratio times the rate (rCM: a fifth).
     */
    @Override
    public Ingredients build(DistillConfig cfg, DiT teacher, Student student, Dataset data, NDManager root) {
        Ingredients tbcm = new Tbcm().build(cfg, teacher, student, data, root);
        Student fake = new Student(student.config());
        fake.initialize(root, DataType.FLOAT32, cfg.seed());
        fake.backbone().copyFrom(teacher);
        OptimizerConfig s = cfg.training().optimizer();
        OptimizerConfig f = new OptimizerConfig(s.lr() * cfg.dmd().fakeLrRatio(), s.beta1(), s.beta2(), s.eps(),
                s.weightDecay(), s.warmupSteps(), s.clipNorm(), s.decaySteps());
        DistributionMatching dmd = new DistributionMatching(teacher, cfg.dmd(), cfg.guidanceScales());
        return new Ingredients(tbcm.source(), tbcm.loss(), new FakeScore(student, fake, dmd, f, cfg.dmd(), cfg.seed()));
    }

    /** The regulariser as the student's second loss term and the fake score's own update. */
    public static final class FakeScore implements Auxiliary {
        private final Student student;
        private final Student fake;
        private final DistributionMatching dmd;
        private final OptimizerConfig optimizer;
        private final DmdConfig config;
        private final long seed;

        public FakeScore(Student student, Student fake, DistributionMatching dmd, OptimizerConfig optimizer,
                DmdConfig config, long seed) {
            this.student = student;
            this.fake = fake;
            this.dmd = dmd;
            this.optimizer = optimizer;
            this.config = config;
            this.seed = seed;
        }

        @Override
        public List<String> metricNames() {
            return List.of("dmd_loss", "fake_score_loss");
        }

        /** L_DMD on the iteration's own one-step samples (the pairs are TBCM's and play no part). */
        @Override
        public NDArray studentTerm(long step, Student s, PairBatch pairs, NDArray like, Map<String, NDArray> metrics) {
            DistributionMatching.StudentSide side = dmd.student(s, fake, Rng.of(seed, "dmd-student", step),
                    like.getManager());
            metrics.put("dmd_loss", side.loss());
            return side.loss();
        }

        /** λ once past dmd.start; before it the term is not computed (its columns read 0). */
        @Override
        public double termWeight(long step) {
            return step > config.start() ? config.weight() : 0;
        }

        /** The real score's CFG: two teacher passes per sample once the term is on. */
        @Override
        public long teacherEvaluations(long step) {
            return termWeight(step) == 0 ? 0 : 2L * config.samplesPerIteration();
        }

        @Override
        public Module model() {
            return fake;
        }

        @Override
        public OptimizerConfig optimizer() {
            return optimizer;
        }

        @Override
        public TrainingTask.StepLoss loss(long step, NDManager manager) {
            DistributionMatching.FakeSide side = dmd.fake(student, fake, Rng.of(seed, "dmd-fake", step), manager);
            Map<String, NDArray> metrics = new LinkedHashMap<>();
            metrics.put("fake_score_loss", side.loss());
            return new TrainingTask.StepLoss(side.loss(), metrics);
        }

        @Override
        public String studentTermName() {
            return STUDENT_ROW;
        }

        @Override
        public String updateName() {
            return FAKE_ROW;
        }

        @Override
        public Map<String, Long> stateBytes() {
            return Map.of("DMD fake score weights, gradients, AdamW moments", 16 * fake.parameterCount());
        }
    }
}
