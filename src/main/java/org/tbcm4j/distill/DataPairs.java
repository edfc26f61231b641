package org.tbcm4j.distill;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.List;
import org.tbcm4j.data.BatchOrder;
import org.tbcm4j.data.Dataset;
import org.tbcm4j.data.LabeledImages;
import org.tbcm4j.model.Autoencoder;
import org.tbcm4j.model.DiT;
import org.tbcm4j.model.GuidanceScales;
import org.tbcm4j.model.Guidance;
import org.tbcm4j.model.ModelFiles;
import org.tbcm4j.model.Provenance;
import org.tbcm4j.nn.NoGrad;
import org.tbcm4j.nn.Scalars;
import org.tbcm4j.nn.Tensors;
import org.tbcm4j.train.EncodedLatents;
import org.tbcm4j.train.Phases;
import org.tbcm4j.trigflow.TrigFlow;
import org.tbcm4j.util.Home;
import org.tbcm4j.util.Rng;

/**
 * The data-based baseline's pairs (Sana-Sprint's sCM without LADD, tbcm-method.md §3.1): real training
 * images encoded by the autoencoder (a posterior sample, scaled), t = atan(exp(N(P_mean, P_std²))/σ_d),
 * x_t = cos t·x₀ + sin t·z, and the teacher's CFG velocity at x_t. By default the encoder runs here, every
 * iteration, so its cost and memory are charged to this arm; with data_pairs.precomputed_latents the
 * training images are encoded once at the start (posterior mean and standard deviation, as the official
 * Sana-Sprint config reads precomputed latents) and each batch draws a fresh posterior sample from them.
 */
public final class DataPairs implements PairSource {
    private final DiT teacher;
    private final Autoencoder autoencoder;
    private final LabeledImages images;
    private final BatchOrder order;
    private final int pairs;
    private final double pMean;
    private final double pStd;
    private final GuidanceScales guidanceScales;
    private final long seed;
    private final int batchesPerIteration;
    private final EncodedLatents encoded;

    /**
     * A batch of real latents before the teacher sees it: x₀ in data scale (σ_d·scale·posterior sample),
     * classes, guidance scales w and sCM times t, one each per pair.
     */
    public record Clean(NDArray x0, NDArray classes, NDArray guidance, NDArray t) {}

    public DataPairs(DiT teacher, Autoencoder autoencoder, LabeledImages images, int pairs, double pMean, double pStd,
            GuidanceScales guidanceScales, long seed) {
        this(teacher, autoencoder, images, pairs, pMean, pStd, guidanceScales, seed, 1);
    }

    /**
     * With {@code batchesPerIteration} 2, each iteration's pairs come from every other batch of the data
     * order and {@link #clean} slot 1 reads the batch between (LADD's discriminator update, which the
     * official loop feeds the next batch of the same loader).
     */
    public DataPairs(DiT teacher, Autoencoder autoencoder, LabeledImages images, int pairs, double pMean, double pStd,
            GuidanceScales guidanceScales, long seed, int batchesPerIteration) {
        this(teacher, autoencoder, images, pairs, pMean, pStd, guidanceScales, seed, batchesPerIteration, null);
    }

    /** With {@code encoded} non-null, batches sample the images' stored posteriors instead of encoding them. */
    public DataPairs(DiT teacher, Autoencoder autoencoder, LabeledImages images, int pairs, double pMean, double pStd,
            GuidanceScales guidanceScales, long seed, int batchesPerIteration, EncodedLatents encoded) {
        if (encoded != null && encoded.size() != images.size()) {
            throw new IllegalArgumentException("the encoded latents hold " + encoded.size() + " images, the dataset "
                    + images.size());
        }
        this.encoded = encoded;
        if (!(pStd > 0)) {
            throw new IllegalArgumentException("data_pairs.p_std must be positive, got " + pStd);
        }
        this.teacher = teacher;
        this.autoencoder = autoencoder;
        this.images = images;
        this.order = new BatchOrder(images.size(), pairs, seed);
        this.pairs = pairs;
        this.pMean = pMean;
        this.pStd = pStd;
        this.guidanceScales = guidanceScales;
        this.seed = seed;
        if (batchesPerIteration < 1 || batchesPerIteration > 2) {
            throw new IllegalArgumentException("batches per iteration must be 1 or 2, got " + batchesPerIteration);
        }
        this.batchesPerIteration = batchesPerIteration;
    }

    /**
     * The data methods' pairs as a config gives them: the training split of {@code data} through the config's
     * autoencoder, which must fit the teacher's latents, as must the dataset the teacher was trained on.
     */
    static DataPairs of(DistillConfig cfg, DiT teacher, Dataset data, int batchesPerIteration, NDManager root) {
        DistillConfig.DataPairsConfig d = cfg.dataPairs();
        Path teacherFile = Home.resolve(cfg.teacher());
        Path aeFile = Home.resolve(d.autoencoder());
        Autoencoder ae = ModelFiles.autoencoder(aeFile, root);
        ModelFiles.requireLatentFit(ae, teacher.config(), aeFile, teacherFile);
        Provenance.read(teacherFile).requireDataset(data, teacherFile);
        EncodedLatents encoded = null;
        if (d.precomputedLatents()) {
            System.out.println("encoding the " + data.train().size() + " training images once (data_pairs.precomputed_latents)");
            encoded = EncodedLatents.encode(ae, data.train(), root);
        }
        return new DataPairs(teacher, ae, data.train(), cfg.pairsPerIteration(), d.pMean(), d.pStd(),
                cfg.guidanceScales(), cfg.seed(), batchesPerIteration, encoded);
    }

    /** Bytes of the precomputed latents it keeps (0 when it encodes every batch). */
    public long precomputedBytes() {
        return encoded == null ? 0 : encoded.bytes();
    }

    @Override
    public int pairsPerIteration() {
        return pairs;
    }

    @Override
    public String name() {
        return "data";
    }

    /** bench iteration's name for the real batch and its encoding, a part of the pairs. */
    public static final String REAL_AND_ENCODER = "real batch and encoder";

    @Override
    public PairBatch next(long step, NDManager m) {
        return next(step, m, Phases.NONE);
    }

    @Override
    public PairBatch next(long step, NDManager m, Phases phases) {
        return NoGrad.call(() -> draw(step, m, phases));
    }

    private PairBatch draw(long step, NDManager m, Phases phases) {
        Rng rng = rng(step, 0);
        Clean c = phases.run(REAL_AND_ENCODER, () -> cleanBatch(step, 0, rng, m));
        NDArray z = Tensors.normal(m, rng, c.x0().getShape(), DataType.FLOAT32, TrigFlow.SIGMA_D);
        NDArray xt = TrigFlow.noise(c.x0(), z, c.t());
        NDArray v = Guidance.trigFlow(teacher, c.classes(), c.guidance()).velocity(xt, c.t());
        NDArray mask = m.ones(new Shape(pairs), DataType.FLOAT32);
        return new PairBatch(xt, c.t(), v, c.classes(), c.guidance(), mask, 2L * pairs, 0, c.x0());
    }

    /**
     * Iteration {@code step}'s real batch {@code slot} (0: the pairs' own; 1: the discriminator's, when
     * there are two batches per iteration), encoded, with w and t drawn. Call without grad.
     */
    public Clean clean(long step, int slot, NDManager m) {
        if (slot < 0 || slot >= batchesPerIteration) {
            throw new IllegalArgumentException("batch slot " + slot + " of " + batchesPerIteration);
        }
        return NoGrad.call(() -> cleanBatch(step, slot, rng(step, slot), m));
    }

    private Rng rng(long step, int slot) {
        return Rng.of(seed, slot == 0 ? "data-pairs" : "data-pairs-" + slot, step);
    }

    /** Draws from {@code rng}, which the pairs then go on drawing their noise from. */
    private Clean cleanBatch(long step, int slot, Rng rng, NDManager m) {
        int[] idx = order.batch((step - 1) * batchesPerIteration + slot);
        NDArray x0;
        if (encoded != null) {
            x0 = Scalars.mul(encoded.sample(m, idx, rng), TrigFlow.SIGMA_D);
        } else {
            List<NDArray> posterior = autoencoder.encode(images.images(m, idx));
            NDArray eps = Tensors.normal(m, rng, posterior.get(0).getShape(), DataType.FLOAT32, 1.0);
            NDArray latent = posterior.get(0).add(Scalars.mul(posterior.get(1), 0.5).exp().mul(eps));
            x0 = Scalars.mul(latent, autoencoder.latentScale() * TrigFlow.SIGMA_D);
        }
        double[] t = new double[pairs];
        double[] w = new double[pairs];
        for (int i = 0; i < pairs; i++) {
            t[i] = TrigFlow.logNormalTime(pMean, pStd, rng.gaussian());
            w[i] = guidanceScales.draw(rng);
        }
        return new Clean(x0, images.labels(m, idx), Tensors.float32(m, w), Tensors.float32(m, t));
    }
}
