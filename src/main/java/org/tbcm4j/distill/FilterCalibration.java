package org.tbcm4j.distill;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.stream.IntStream;
import org.tbcm4j.data.Dataset;
import org.tbcm4j.data.LabeledImages;
import org.tbcm4j.model.Autoencoder;
import org.tbcm4j.model.Provenance;
import org.tbcm4j.nn.Batched;
import org.tbcm4j.nn.Scalars;
import org.tbcm4j.util.AtomicFiles;
import org.tbcm4j.util.Json;

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

    /** The most of any class's real images a calibrated threshold may drop, in expectation. */
    public static final double MAX_CLASS_DROP_RATE = 0.001;

    /**
     * Measures the filter on {@code set}'s test split through {@code aeFile}'s autoencoder (which must have been
     * trained on {@code set}), prints it per class at {@code threshold}, and writes the calibrated threshold to
     * {@code out} as {"threshold": t, "max_class_drop_rate": 0.001} when {@code out} is given.
     */
    public static FilterCalibration calibrate(Autoencoder ae, Path aeFile, NDArray blank, Dataset set, double threshold,
            Path out, NDManager root) {
        Provenance.read(aeFile).requireDataset(set, aeFile);
        FilterCalibration cal = measure(ae, set.test(), blank, set.numClasses(), root);
        System.out.printf(Locale.ROOT, "distance m of real test images to the blank latent, and the filter's expected "
                + "drop rate at threshold %s:%n", threshold);
        System.out.println("class              min     1 %     median  drop rate");
        for (int c = 0; c < cal.numClasses(); c++) {
            System.out.printf(Locale.ROOT, "%-3d %-14.14s %-7.3f %-7.3f %-7.3f %.2f %%%n", c, set.classNames().get(c),
                    cal.quantile(c, 0), cal.quantile(c, 0.01), cal.quantile(c, 0.5), 100 * cal.expectedDropRate(c, threshold));
        }
        System.out.printf(Locale.ROOT, "largest threshold dropping at most 0.1 %% of every class: %.4f%n",
                cal.thresholdForClassDropRate(MAX_CLASS_DROP_RATE));
        if (out != null) {
            AtomicFiles.write(out, Json.write(Map.of("threshold", cal.thresholdForClassDropRate(MAX_CLASS_DROP_RATE),
                    "max_class_drop_rate", MAX_CLASS_DROP_RATE)).getBytes(StandardCharsets.UTF_8));
        }
        return cal;
    }

    /** The largest threshold at which no class loses more than {@code rate} of its real images in expectation. */
    public double thresholdForClassDropRate(double rate) {
        return Arrays.stream(byClass).mapToDouble(d -> DegenerateFilter.thresholdForDropRate(d, rate)).min().orElse(0);
    }
}
