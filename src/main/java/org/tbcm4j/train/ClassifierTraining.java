package org.tbcm4j.train;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.Locale;
import org.tbcm4j.checkpoint.ModelFile;
import org.tbcm4j.data.Dataset;
import org.tbcm4j.model.Classifier;
import org.tbcm4j.model.DataFit;
import org.tbcm4j.model.Provenance;

/** A classifier run, from its config to model.safetensors, with its test accuracy once finished. */
public final class ClassifierTraining {
    public static final String KIND = "classifier";

    private ClassifierTraining() {}

    /** Trains (or continues) {@code cfg} on {@code data} in {@code dir}. */
    public static TrainLoop.Outcome run(ClassifierRunConfig cfg, RunDirectory dir, Dataset data, boolean resume,
            long stopAfter, NDManager root) {
        DataFit.requireImages(cfg.model().imageSize(), cfg.model().imageChannels(), data, "the classifier config");
        DataFit.requireClasses(cfg.model().numClasses(), data, "the classifier config");
        Classifier model = new Classifier(cfg.model());
        model.initialize(root, DataType.FLOAT32, cfg.seed());
        Classifier ema = new Classifier(cfg.model());
        ema.initialize(root, DataType.FLOAT32, cfg.seed());
        dir.prepare(resume);
        dir.saveConfig(cfg);
        dir.recordDataset(data, resume);
        TrainLoop.Outcome out = new TrainLoop(dir, KIND, cfg.model(), cfg.training(), cfg.seed(),
                Provenance.of(data).metadata()).run(model, ema,
                new ClassifierTask(model, data.train(), data.test(), cfg.training().requireBatchSize(), cfg.maxShift(),
                        cfg.seed()), resume, stopAfter, root);
        if (out.finished()) {
            Classifier trained = new Classifier(cfg.model());
            trained.initialize(root, DataType.FLOAT32, cfg.seed());
            ModelFile.loadWeights(dir.model(), KIND, trained, root);
            System.out.printf(Locale.ROOT, "test accuracy: %.2f %%%n",
                    100 * ClassifierTask.accuracy(trained, data.test(), root));
        }
        return out;
    }
}
