package org.tbcm4j.distill;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.Arrays;
import java.util.stream.IntStream;
import org.tbcm4j.data.LabeledImages;
import org.tbcm4j.model.Autoencoder;
import org.tbcm4j.nn.Batched;
import org.tbcm4j.nn.Scalars;

/**
 * What the degenerate-sample filter would do to real images: their distances m to the blank latent, per
 * class. A threshold that drops real images of some class (sparse ones, such as sandals, lie near a blank
 * image) would bias the student against that class, so the threshold is chosen from these figures.
 */
public final class FilterCalibration {
    /** Distances per class, each sorted ascending. */
    private final double[][] byClass;

    private FilterCalibration(double[][] byClass) {
        this.byClass = byClass;
    }

    /** Encodes every image (posterior mean, scaled to unit variance) and measures m against {@code blank}. */
    public static FilterCalibration measure(Autoencoder ae, LabeledImages images, NDArray blank, int numClasses,
            NDManager root) {
        double[] all = new double[images.size()];
        Batched.forEach(root, images.size(), 500, (start, n, m) -> {
            NDArray x = images.images(m, Batched.indices(start, n));
            NDArray y = Scalars.mul(ae.encode(x).get(0), ae.latentScale());
            System.arraycopy(DegenerateFilter.distances(y, blank), 0, all, start, n);
        });
        double[][] byClass = new double[numClasses][];
        for (int c = 0; c < numClasses; c++) {
            final int cls = c;
            byClass[c] = IntStream.range(0, images.size()).filter(i -> images.label(i) == cls).mapToDouble(i -> all[i])
                    .sorted().toArray();
        }
        return new FilterCalibration(byClass);
    }

    public int numClasses() {
        return byClass.length;
    }

    /** The q-quantile (nearest rank) of class c's distances. */
    public double quantile(int c, double q) {
        double[] d = byClass[c];
        return d[(int) Math.min(d.length - 1, Math.max(0, Math.floor(q * d.length)))];
    }

    public double expectedDropRate(int c, double threshold) {
        return DegenerateFilter.expectedDropRate(byClass[c], threshold);
    }

    /** The largest threshold at which no class loses more than {@code rate} of its real images in expectation. */
    public double thresholdForClassDropRate(double rate) {
        return Arrays.stream(byClass).mapToDouble(d -> DegenerateFilter.thresholdForDropRate(d, rate)).min().orElse(0);
    }
}
