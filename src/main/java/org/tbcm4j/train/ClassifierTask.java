package org.tbcm4j.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tbcm4j.data.BatchOrder;
import org.tbcm4j.data.LabeledImages;
import org.tbcm4j.model.Classifier;
import org.tbcm4j.nn.Batched;
import org.tbcm4j.nn.Module;
import org.tbcm4j.util.Rng;

/** Trains the evaluation classifier with cross-entropy on randomly shifted images; evaluates test accuracy. */
public final class ClassifierTask implements TrainingTask {
    private static final int EVAL_BATCH = 500;
    private final Classifier model;
    private final LabeledImages train;
    private final LabeledImages test;
    private final BatchOrder order;
    private final int maxShift;
    private final long seed;

    public ClassifierTask(Classifier model, LabeledImages train, LabeledImages test, int batchSize, int maxShift,
            long seed) {
        this.model = model;
        this.train = train;
        this.test = test;
        this.order = new BatchOrder(train.size(), batchSize, seed);
        this.maxShift = maxShift;
        this.seed = seed;
    }

    @Override
    public int examplesPerStep() {
        return order.batchSize();
    }

    @Override
    public List<String> metricNames() {
        return List.of("loss", "train_accuracy");
    }

    @Override
    public StepLoss loss(long step, NDManager manager) {
        int[] idx = order.batch(step - 1);
        NDArray x = train.shiftedImages(manager, idx, Rng.of(seed, "shift", step), maxShift);
        NDArray labels = train.labels(manager, idx);
        NDArray logits = model.logits(model.features(x));
        NDArray loss = crossEntropy(logits, labels, model.config().numClasses());
        Map<String, NDArray> metrics = new LinkedHashMap<>();
        metrics.put("loss", loss);
        metrics.put("train_accuracy", logits.argMax(1).eq(labels).toType(ai.djl.ndarray.types.DataType.FLOAT32, false).mean());
        return new StepLoss(loss, metrics);
    }

    /** Mean of −log softmax(logits)[label]. */
    static NDArray crossEntropy(NDArray logits, NDArray labels, int classes) {
        NDArray oneHot = labels.oneHot(classes).toType(logits.getDataType(), false);
        return logits.logSoftmax(1).mul(oneHot).sum(new int[] {1}).mean().neg();
    }

    @Override
    public List<String> evaluationNames() {
        return List.of("test_accuracy");
    }

    @Override
    public Map<String, Double> evaluate(long step, Module weights, NDManager manager) {
        return Map.of("test_accuracy", accuracy((Classifier) weights, test, manager));
    }

    /** Fraction of {@code images} the classifier labels correctly. */
    public static double accuracy(Classifier model, LabeledImages images, NDManager manager) {
        long[] correct = {0};
        Batched.forEach(manager, images.size(), EVAL_BATCH, (start, n, m) -> {
            int[] idx = Batched.indices(start, n);
            NDArray predicted = model.logits(model.features(images.images(m, idx))).argMax(1);
            correct[0] += predicted.eq(images.labels(m, idx)).sum().getLong();
        });
        return (double) correct[0] / images.size();
    }
}
