package org.tbcm4j.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.tbcm4j.data.LabeledImages;
import org.tbcm4j.model.Autoencoder;
import org.tbcm4j.nn.Batched;

/** Reconstruction quality of an autoencoder on held-out images. */
public final class ReconstructionQuality {
    private static final int BATCH = 500;

    private ReconstructionQuality() {}

    /**
     * Mean PSNR in dB over images, with pixels on [0, 1] (so 10·log10(1/MSE); our [−1, 1] pixels give
     * 10·log10(4/MSE)), reconstructing from the posterior mean.
     */
    public static double psnr(Autoencoder model, LabeledImages images, NDManager manager) {
        double[] psnr = new double[images.size()];
        Batched.forEach(manager, images.size(), BATCH, (start, n, m) -> {
            NDArray x = images.images(m, Batched.indices(start, n));
            NDArray mse = model.decode(model.encode(x).get(0)).sub(x).square().reshape(n, -1).mean(new int[] {1});
            double[] perImage = mse.toType(ai.djl.ndarray.types.DataType.FLOAT64, false).toDoubleArray();
            for (int i = 0; i < n; i++) {
                psnr[start + i] = 10 * Math.log10(4.0 / Math.max(perImage[i], 1e-12));
            }
        });
        double sum = 0;
        for (double p : psnr) {
            sum += p;
        }
        return sum / images.size();
    }
}
