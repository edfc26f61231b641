package org.tbcm4j.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tbcm4j.data.BatchOrder;
import org.tbcm4j.data.LabeledImages;
import org.tbcm4j.model.Autoencoder;
import org.tbcm4j.nn.Module;
import org.tbcm4j.nn.Scalars;
import org.tbcm4j.nn.Tensors;
import org.tbcm4j.util.Rng;

/**
 * Trains the autoencoder: reconstruction MSE of a posterior sample plus klWeight times the mean KL
 * divergence of the posterior from N(0, I). Evaluates test PSNR of posterior-mean reconstructions.
 */
public final class AutoencoderTask implements TrainingTask {
    private final Autoencoder model;
    private final LabeledImages train;
    private final LabeledImages test;
    private final BatchOrder order;
    private final double klWeight;
    private final long seed;

    public AutoencoderTask(Autoencoder model, LabeledImages train, LabeledImages test, int batchSize, double klWeight,
            long seed) {
        this.model = model;
        this.train = train;
        this.test = test;
        this.order = new BatchOrder(train.size(), batchSize, seed);
        this.klWeight = klWeight;
        this.seed = seed;
    }

    @Override
    public int examplesPerStep() {
        return order.batchSize();
    }

    @Override
    public List<String> metricNames() {
        return List.of("loss", "reconstruction_mse", "kl");
    }

    @Override
    public StepLoss loss(long step, NDManager manager) {
        NDArray x = train.images(manager, order.batch(step - 1));
        List<NDArray> posterior = model.encode(x);
        NDArray mean = posterior.get(0);
        NDArray logVar = posterior.get(1);
        NDArray eps = Tensors.normal(manager, Rng.of(seed, "posterior", step), mean.getShape(), mean.getDataType(), 1.0);
        NDArray z = mean.add(Scalars.mul(logVar, 0.5).exp().mul(eps));
        NDArray mse = model.decode(z).sub(x).square().mean();
        NDArray kl = Scalars.mul(Scalars.sub(mean.square().add(logVar.exp()).sub(logVar), 1.0).mean(), 0.5);
        NDArray loss = mse.add(Scalars.mul(kl, klWeight));
        Map<String, NDArray> metrics = new LinkedHashMap<>();
        metrics.put("loss", loss);
        metrics.put("reconstruction_mse", mse);
        metrics.put("kl", kl);
        return new StepLoss(loss, metrics);
    }

    @Override
    public List<String> evaluationNames() {
        return List.of("test_psnr_db");
    }

    @Override
    public Map<String, Double> evaluate(long step, Module weights, NDManager manager) {
        return Map.of("test_psnr_db", ReconstructionQuality.psnr((Autoencoder) weights, test, manager));
    }
}
