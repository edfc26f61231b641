package org.tbcm4j.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tbcm4j.data.BatchOrder;
import org.tbcm4j.model.DiT;
import org.tbcm4j.nn.Dual;
import org.tbcm4j.nn.Scalars;
import org.tbcm4j.nn.Tensors;
import org.tbcm4j.util.Rng;

/**
 * Trains the teacher by flow matching as Sana does: x^fl = (1−τ)·y + τ·ε, target v = ε − y,
 * τ = sigmoid(N(m, s²)) (logit-normal), and the class replaced by the null class with probability
 * {@code classDropout} so that one network serves classifier-free guidance.
 */
public final class TeacherTask implements TrainingTask {
    private final DiT model;
    private final EncodedLatents latents;
    private final BatchOrder order;
    private final double classDropout;
    private final double logitMean;
    private final double logitStd;
    private final long seed;

    public TeacherTask(DiT model, EncodedLatents latents, int batchSize, double classDropout, double logitMean,
            double logitStd, long seed) {
        this.model = model;
        this.latents = latents;
        this.order = new BatchOrder(latents.size(), batchSize, seed);
        this.classDropout = classDropout;
        this.logitMean = logitMean;
        this.logitStd = logitStd;
        this.seed = seed;
    }

    @Override
    public int examplesPerStep() {
        return order.batchSize();
    }

    @Override
    public List<String> metricNames() {
        return List.of("loss");
    }

    @Override
    public StepLoss loss(long step, NDManager manager) {
        int[] idx = order.batch(step - 1);
        Rng rng = Rng.of(seed, "teacher", step);
        NDArray y = latents.sample(manager, idx, rng);
        long[] classes = new long[idx.length];
        double[] tau = new double[idx.length];
        for (int b = 0; b < idx.length; b++) {
            classes[b] = rng.uniform() < classDropout ? model.nullClass() : latents.label(idx[b]);
            tau[b] = 1.0 / (1.0 + Math.exp(-(logitMean + logitStd * rng.gaussian())));
        }
        NDArray ids = Tensors.classIds(manager, classes);
        NDArray tauArr = Tensors.float32(manager, tau);
        NDArray eps = Tensors.normal(manager, rng, y.getShape(), DataType.FLOAT32, 1.0);
        NDArray tb = tauArr.reshape(idx.length, 1, 1, 1);
        NDArray xFlow = y.mul(Scalars.add(tb.neg(), 1.0)).add(eps.mul(tb));
        NDArray target = eps.sub(y);
        NDArray loss = model.forward(Dual.of(xFlow), Dual.of(tauArr), ids).value().sub(target).square().mean();
        Map<String, NDArray> metrics = new LinkedHashMap<>();
        metrics.put("loss", loss);
        return new StepLoss(loss, metrics);
    }
}
