package org.tbcm4j.distill;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.tbcm4j.data.BatchOrder;
import org.tbcm4j.data.LabeledImages;
import org.tbcm4j.model.Autoencoder;
import org.tbcm4j.model.DiT;
import org.tbcm4j.model.GuidanceScales;
import org.tbcm4j.model.Guidance;
import org.tbcm4j.nn.NoGrad;
import org.tbcm4j.nn.Scalars;
import org.tbcm4j.nn.Tensors;
import org.tbcm4j.trigflow.TrigFlow;
import org.tbcm4j.util.Rng;

/**
 * The data-based baseline's pairs (Sana-Sprint's sCM without LADD, tbcm-method.md §3.1): real training
 * images encoded by the autoencoder (a posterior sample, scaled), t = atan(exp(N(P_mean, P_std²))/σ_d),
 * x_t = cos t·x₀ + sin t·z, and the teacher's CFG velocity at x_t. The encoder runs here, every
 * iteration, so its cost and memory are charged to this arm.
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

    public DataPairs(DiT teacher, Autoencoder autoencoder, LabeledImages images, int pairs, double pMean, double pStd,
            GuidanceScales guidanceScales, long seed) {
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
    }

    @Override
    public int pairsPerIteration() {
        return pairs;
    }

    @Override
    public String name() {
        return "data";
    }

    @Override
    public PairBatch next(long step, NDManager m) {
        return NoGrad.call(() -> draw(step, m));
    }

    private PairBatch draw(long step, NDManager m) {
        int[] idx = order.batch(step - 1);
        Rng rng = Rng.of(seed, "data-pairs", step);
        List<NDArray> posterior = autoencoder.encode(images.images(m, idx));
        NDArray eps = Tensors.normal(m, rng, posterior.get(0).getShape(), DataType.FLOAT32, 1.0);
        NDArray latent = posterior.get(0).add(Scalars.mul(posterior.get(1), 0.5).exp().mul(eps));
        NDArray x0 = Scalars.mul(latent, autoencoder.latentScale() * TrigFlow.SIGMA_D);
        double[] t = new double[pairs];
        double[] w = new double[pairs];
        for (int i = 0; i < pairs; i++) {
            t[i] = Math.atan(Math.exp(pMean + pStd * rng.gaussian()) / TrigFlow.SIGMA_D);
            w[i] = guidanceScales.draw(rng);
        }
        NDArray tArr = Tensors.float32(m, t);
        NDArray scales = Tensors.float32(m, w);
        NDArray z = Tensors.normal(m, rng, x0.getShape(), DataType.FLOAT32, TrigFlow.SIGMA_D);
        NDArray xt = TrigFlow.noise(x0, z, tArr);
        NDArray classes = images.labels(m, idx);
        NDArray v = Guidance.trigFlow(teacher, classes, scales).velocity(xt, tArr);
        NDArray mask = m.ones(new Shape(pairs), DataType.FLOAT32);
        return new PairBatch(xt, tArr, v, classes, scales, mask, 2L * pairs, 0);
    }
}
