package org.tbcm4j.cli;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.tbcm4j.checkpoint.ModelFile;
import org.tbcm4j.data.Dataset;
import org.tbcm4j.data.LabeledImages;
import org.tbcm4j.model.Classifier;
import org.tbcm4j.model.DataFit;
import org.tbcm4j.model.Provenance;
import org.tbcm4j.train.ClassifierTask;
import org.tbcm4j.train.RunDirectory;
import org.tbcm4j.train.TrainLoop;
import org.tbcm4j.train.TrainingConfig;
import org.tbcm4j.util.Backend;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code tbcm train-classifier}. */
@Command(name = "train-classifier", mixinStandardHelpOptions = true,
        description = "Train the evaluation classifier on Fashion-MNIST; its penultimate features define the metric space.")
public final class TrainClassifierCommand implements Callable<Integer> {
    static final String KIND = "classifier";

    @Mixin
    TrainOptions options;

    @Override
    public Integer call() {
        ClassifierRunConfig cfg = options.loadConfig("configs/classifier.yaml", ClassifierRunConfig.class,
                ClassifierRunConfig::name);
        TrainingConfig training = options.training(cfg.training());
        ClassifierRunConfig resolved = new ClassifierRunConfig(cfg.name(), cfg.seed(), cfg.model(), training, cfg.maxShift());
        RunDirectory dir = options.runDirectory(cfg.name());
        Dataset data = options.dataset();
        DataFit.requireImages(cfg.model().imageSize(), cfg.model().imageChannels(), data, "the classifier config");
        DataFit.requireClasses(cfg.model().numClasses(), data, "the classifier config");
        LabeledImages train = data.train();
        LabeledImages test = data.test();
        try (NDManager root = Backend.newManager()) {
            Classifier model = new Classifier(cfg.model());
            model.initialize(root, DataType.FLOAT32, cfg.seed());
            Classifier ema = new Classifier(cfg.model());
            ema.initialize(root, DataType.FLOAT32, cfg.seed());
            dir.prepare(options.resume);
            dir.saveConfig(resolved);
            dir.recordDataset(data, options.resume);
            TrainLoop.Outcome out = new TrainLoop(dir, KIND, cfg.model(), training, cfg.seed(),
                    Provenance.of(data).metadata()).run(model, ema,
                    new ClassifierTask(model, train, test, training.requireBatchSize(), cfg.maxShift(), cfg.seed()),
                    options.resume, options.stopAfter, root);
            System.out.printf(Locale.ROOT, "trained steps %d-%d in %.0f s (%d skipped)%n", out.firstStep(), out.lastStep(),
                    out.seconds(), out.skippedSteps());
            if (!out.finished()) {
                System.out.println("stopped early; continue with --resume. Checkpoint: " + dir.lastCheckpoint());
                return 0;
            }
            Classifier trained = new Classifier(cfg.model());
            trained.initialize(root, DataType.FLOAT32, cfg.seed());
            ModelFile.loadWeights(dir.model(), KIND, trained, root);
            System.out.printf(Locale.ROOT, "test accuracy: %.2f %%%n", 100 * ClassifierTask.accuracy(trained, test, root));
            System.out.println("model: " + dir.model());
        }
        return 0;
    }
}
