package org.tbcm4j.distill;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.tbcm4j.data.Dataset;
import org.tbcm4j.model.DiT;
import org.tbcm4j.model.Discriminator;
import org.tbcm4j.model.Student;
import org.tbcm4j.nn.Dual;
import org.tbcm4j.nn.Module;
import org.tbcm4j.nn.NoGrad;
import org.tbcm4j.nn.OptimizerConfig;
import org.tbcm4j.train.TrainingTask;
import org.tbcm4j.util.Rng;

/**
 * Sana-Sprint (train_scm_ladd.py): the data-based sCM plus LADD. The student's loss is
 * scm_lambda·sCM + adv_lambda·L_adv, and after each student update a discriminator (heads on frozen
 * teacher blocks) takes one update on the data order's next real batch ({@link AdversarialLoss} holds both
 * losses). Like {@link DataScm}, r has no calm-down.
 */
public record SanaSprint() implements Method {
    public static final String KEY = "sana_sprint";
    /** bench iteration's rows for LADD's two parts and its reference row. */
    public static final String GENERATOR_ROW = "LADD generator: student one step, teacher + heads, backward";
    public static final String DISCRIMINATOR_ROW = "LADD discriminator update (its real batch, fakes, teacher + heads, step)";
    public static final String TEACHER_FEATURES_ROW =
            "reference: teacher to the last hooked block, fakes + misaligned + reals (no grad)";

    @Override
    public String key() {
        return KEY;
    }

    @Override
    public String title() {
        return "Sana-Sprint (data pairs + LADD)";
    }

    @Override
    public boolean readsImages() {
        return true;
    }

    @Override
    public String ownSettings(DistillConfig cfg) {
        return DataScm.withoutCalmDown(cfg, KEY);
    }

    /**
     * The official loop builds the heads' optimizer from the student's settings and gives it no schedule, so
     * the heads train at the student's peak rate from the start.
     */
    @Override
    public Ingredients build(DistillConfig cfg, DiT teacher, Student student, Dataset data, NDManager root) {
        LaddConfig c = cfg.ladd();
        DataPairs pairs = DataPairs.of(cfg, teacher, data, 2, root);
        Discriminator discriminator;
        try {
            discriminator = new Discriminator(teacher.config(), c.headBlockIds());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("ladd.head_block_ids: " + e.getMessage());
        }
        discriminator.initialize(root, DataType.FLOAT32, cfg.seed());
        OptimizerConfig g = cfg.training().optimizer();
        OptimizerConfig heads = new OptimizerConfig(g.lr(), g.beta1(), g.beta2(), g.eps(), g.weightDecay(), 0, g.clipNorm(), 0);
        AdversarialLoss loss = new AdversarialLoss(teacher, discriminator, c, cfg.dataPairs().pMean(),
                cfg.dataPairs().pStd());
        return new Ingredients(pairs, cfg.loss().withoutCalmDown(),
                new Ladd(student, teacher, loss, discriminator, heads, pairs, c, cfg.seed()));
    }

    /** LADD as the student's second loss term and the discriminator's own update. */
    public static final class Ladd implements Auxiliary {
        private final Student student;
        private final DiT teacher;
        private final AdversarialLoss loss;
        private final Discriminator discriminator;
        private final OptimizerConfig optimizer;
        private final DataPairs data;
        private final LaddConfig config;
        private final long seed;

        /** {@code data} must give two batches per iteration (the second is the discriminator's). */
        public Ladd(Student student, DiT teacher, AdversarialLoss loss, Discriminator discriminator,
                OptimizerConfig optimizer, DataPairs data, LaddConfig config, long seed) {
            this.student = student;
            this.teacher = teacher;
            this.loss = loss;
            this.discriminator = discriminator;
            this.optimizer = optimizer;
            this.data = data;
            this.config = config;
            this.seed = seed;
        }

        @Override
        public List<String> metricNames() {
            return List.of("adversarial_loss", "discriminator_loss", "discriminator_real_logit",
                    "discriminator_fake_logit", "discriminator_passes_per_pair");
        }

        /** The generator's adversarial loss on the student's one step from the pairs' own real latents. */
        @Override
        public NDArray studentTerm(long step, Student s, PairBatch pairs, NDArray like, Map<String, NDArray> metrics) {
            AdversarialLoss.GeneratorSide adversarial = loss.generator(s, pairs.x0(), pairs.classes(), pairs.guidance(),
                    Rng.of(seed, "ladd-generator", step));
            metrics.put("adversarial_loss", adversarial.loss());
            return adversarial.loss();
        }

        @Override
        public double termWeight(long step) {
            return config.advLambda();
        }

        @Override
        public double consistencyWeight() {
            return config.scmLambda();
        }

        @Override
        public Module model() {
            return discriminator;
        }

        @Override
        public OptimizerConfig optimizer() {
            return optimizer;
        }

        /** The heads' hinge (or cross-entropy) loss on the iteration's second real batch. */
        @Override
        public TrainingTask.StepLoss loss(long step, NDManager manager) {
            DataPairs.Clean batch = data.clean(step, 1, manager);
            AdversarialLoss.DiscriminatorSide d = loss.discriminator(student, batch.x0(), batch.classes(),
                    batch.guidance(), Rng.of(seed, "ladd-discriminator", step));
            int pairs = data.pairsPerIteration();
            Map<String, NDArray> metrics = new LinkedHashMap<>();
            metrics.put("discriminator_loss", d.loss());
            metrics.put("discriminator_real_logit", NoGrad.call(() -> d.realLogits().mean()));
            metrics.put("discriminator_fake_logit", NoGrad.call(() -> d.fakeLogits().mean()));
            // the generator's fakes (one per pair) and the discriminator's own passes
            return new TrainingTask.StepLoss(d.loss(), metrics,
                    Map.of("discriminator_passes_per_pair", (double) (pairs + d.teacherPasses()) / pairs));
        }

        @Override
        public String studentTermName() {
            return GENERATOR_ROW;
        }

        @Override
        public String updateName() {
            return DISCRIMINATOR_ROW;
        }

        /** The teacher's features for the discriminator's three batches (fakes, misaligned reals, reals). */
        @Override
        public Map<String, Supplier<Object>> referenceWork(PairBatch pairs) {
            return Map.of(TEACHER_FEATURES_ROW, () -> NoGrad.call(() -> {
                NDArray x = NDArrays.concat(new NDList(pairs.xt(), pairs.xt(), pairs.xt()), 0);
                NDArray t = NDArrays.concat(new NDList(pairs.t(), pairs.t(), pairs.t()), 0);
                NDArray c = NDArrays.concat(new NDList(pairs.classes(), pairs.classes(), pairs.classes()), 0);
                return teacher.blockTokens(Dual.of(x), Dual.of(t), c, discriminator.headBlockIds());
            }));
        }

        @Override
        public Map<String, Long> stateBytes() {
            return Map.of("discriminator heads, gradients, AdamW moments", 16 * discriminator.parameterCount());
        }
    }
}
