package org.tbcm4j.train;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.nio.file.Path;
import java.util.Locale;
import org.tbcm4j.data.Dataset;
import org.tbcm4j.model.Autoencoder;
import org.tbcm4j.model.DataFit;
import org.tbcm4j.model.DiT;
import org.tbcm4j.model.ModelFiles;
import org.tbcm4j.model.Provenance;
import org.tbcm4j.util.Home;

/**
 * A teacher run, from its config to model.safetensors: the training images encoded once by the config's
 * autoencoder, then flow matching with CFG dropout and an EMA in the shared loop.
 */
public final class TeacherTraining {
    private TeacherTraining() {}

    /** Trains (or, with {@code resume}, continues) {@code cfg} on {@code data} in {@code dir}; {@code stopAfter} > 0 stops there. */
    public static TrainLoop.Outcome run(TeacherRunConfig cfg, RunDirectory dir, Dataset data, boolean resume,
            long stopAfter, NDManager root) {
        Path aeFile = Home.resolve(cfg.autoencoder());
        Autoencoder ae = ModelFiles.autoencoder(aeFile, root);
        ModelFiles.requireLatentShape(ae, cfg.model(), aeFile, "the teacher config");
        Provenance.read(aeFile).requireDataset(data, aeFile);
        DataFit.requireClasses(cfg.model().numClasses(), data, "the teacher config");
        dir.prepare(resume);
        dir.saveConfig(cfg);
        dir.recordDataset(data, resume);
        long t0 = System.nanoTime();
        EncodedLatents latents = EncodedLatents.encode(ae, data.train(), root);
        System.out.printf(Locale.ROOT, "encoded %d training images in %.0f s (latent scale %.5f)%n", latents.size(),
                (System.nanoTime() - t0) / 1e9, ae.latentScale());
        DiT model = new DiT(cfg.model());
        model.initialize(root, DataType.FLOAT32, cfg.seed());
        DiT ema = new DiT(cfg.model());
        ema.initialize(root, DataType.FLOAT32, cfg.seed());
        System.out.printf(Locale.ROOT, "teacher: %.2f M parameters%n", model.parameterCount() / 1e6);
        TeacherTask task = new TeacherTask(model, latents, cfg.training().requireBatchSize(), cfg.classDropout(),
                cfg.logitMean(), cfg.logitStd(), cfg.seed());
        return new TrainLoop(dir, ModelFiles.TEACHER, cfg.model(), cfg.training(), cfg.seed(),
                Provenance.of(data, ae, aeFile).metadata()).run(model, ema, task, resume, stopAfter, root);
    }
}
