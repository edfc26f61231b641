package org.tbcm4j.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.tbcm4j.data.LabeledImages;
import org.tbcm4j.model.Autoencoder;
import org.tbcm4j.nn.NoGrad;
import org.tbcm4j.nn.StepScope;

/** Reconstruction quality of an autoencoder on held-out images. */
public final class ReconstructionQuality {
    private static final int BATCH = 500;

    private ReconstructionQuality() {}

    /**
     * Mean PSNR in dB over images, with pixels on [0, 1] (so 10·log10(1/MSE); our [−1, 1] pixels give
     * 10·log10(4/MSE)), reconstructing from the posterior mean.
     */
    public static double psnr(Autoencoder model, LabeledImages images, NDManager manager) {
        double sum = 0;
        for (int start = 0; start < images.size(); start += BATCH) {
            int n = Math.min(BATCH, images.size() - start);
            int[] idx = java.util.stream.IntStream.range(start, start + n).toArray();
            try (StepScope s = StepScope.open(manager)) {
                NDArray x = images.images(s.manager(), idx);
                NDArray mse = NoGrad.call(() -> model.decode(model.encode(x).get(0)).sub(x).square().reshape(n, -1).mean(new int[] {1}));
                for (double m : mse.toType(ai.djl.ndarray.types.DataType.FLOAT64, false).toDoubleArray()) {
                    sum += 10 * Math.log10(4.0 / Math.max(m, 1e-12));
                }
            }
        }
        return sum / images.size();
    }
}
