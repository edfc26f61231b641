package org.tbcm4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tbcm4j.data.BatchOrder;
import org.tbcm4j.data.IdxDataset;
import org.tbcm4j.data.LabeledImages;
import org.tbcm4j.distill.DataPairs;
import org.tbcm4j.model.Autoencoder;
import org.tbcm4j.model.DiT;
import org.tbcm4j.model.GuidanceScales;
import org.tbcm4j.model.ModelFiles;
import org.tbcm4j.testing.WithManager;
import org.tbcm4j.train.EncodedLatents;
import org.tbcm4j.trigflow.TrigFlow;

/** data_pairs.precomputed_latents: the images encoded once, each batch a fresh posterior sample of them. */
class PrecomputedLatentsTest extends WithManager {
    @TempDir
    Path tmp;

    @Test
    void aPrecomputedBatchIsAPosteriorSampleOfTheSameImages() throws IOException {
        DiT teacher = ModelFiles.teacher(TinyModels.teacher(tmp, m), m);
        Autoencoder ae = ModelFiles.autoencoder(TinyModels.autoencoder(tmp, m, 4), m);
        LabeledImages images = IdxDataset.load(TinyModels.dataset(tmp.resolve("data"), 64, 10), IdxDataset.Split.TRAIN, 10);
        GuidanceScales w = GuidanceScales.of("guidance_scales", 1.5);
        DataPairs live = new DataPairs(teacher, ae, images, 8, 0.2, 1.6, w, 3, 1);
        DataPairs stored = new DataPairs(teacher, ae, images, 8, 0.2, 1.6, w, 3, 1, EncodedLatents.encode(ae, images, m));
        for (long step : new long[] {1, 9}) {
            DataPairs.Clean a = live.clean(step, 0, m);
            DataPairs.Clean b = stored.clean(step, 0, m);
            assertArrayEquals(a.classes().toLongArray(), b.classes().toLongArray(), "the same images, in the same order");
            // (x₀/(σ_d·scale) − μ)/σ from a separate encoding of the batch's images is the standard normal draw
            int[] idx = new BatchOrder(images.size(), 8, 3).batch(step - 1);
            List<NDArray> posterior = ae.encode(images.images(m, idx));
            float[] mu = posterior.get(0).toFloatArray();
            float[] sd = posterior.get(1).mul(0.5).exp().toFloatArray();
            float[] x0 = b.x0().toFloatArray();
            double scale = ae.latentScale() * TrigFlow.SIGMA_D;
            double sum = 0;
            double sq = 0;
            for (int i = 0; i < x0.length; i++) {
                double z = (x0[i] / scale - mu[i]) / sd[i];
                assertTrue(Math.abs(z) < 6, "element " + i + ": " + z);
                sum += z;
                sq += z * z;
            }
            double mean = sum / x0.length;
            double std = Math.sqrt(sq / x0.length - mean * mean);
            assertTrue(Math.abs(mean) < 0.15 && Math.abs(std - 1) < 0.15, "draws: mean " + mean + ", sd " + std);
        }
        long[] shape = ae.latentShape();
        assertEquals(4L * 2 * 64 * shape[0] * shape[1] * shape[2] + 4L * 64, stored.precomputedBytes(),
                "μ and σ per latent value, a label per image");
        assertEquals(0, live.precomputedBytes());
    }

    @Test
    void theDataMethodReadsThemWhenTheConfigSaysSo() throws IOException {
        Path data = TinyModels.dataset(tmp.resolve("data"), 64, 10);
        Path teacher = TinyModels.teacher(tmp, m);
        Path ae = TinyModels.autoencoder(tmp, m, 4);
        Path cfg = tmp.resolve("d.yaml");
        Files.writeString(cfg, DistillYaml.tiny(teacher, 2).replace("data_pairs: null\n",
                "data_pairs:\n  p_mean: 0.2\n  p_std: 1.6\n  autoencoder: " + ae + "\n"));
        CliHarness.Result r = CliHarness.run("distill", "--config", cfg.toString(), "--runs", tmp.resolve("runs").toString(),
                "--data", data.toString(), "--method", "scm", "--set", "data_pairs.precomputed_latents=true");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("encoding the 64 training images once (data_pairs.precomputed_latents)"), r.out());
    }
}
