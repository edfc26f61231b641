package org.tbcm4j.cli;

import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.tbcm4j.data.Datasets;
import org.tbcm4j.eval.ReferenceFeatures;
import org.tbcm4j.util.Backend;
import org.tbcm4j.util.Home;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tbcm reference-features}: the classifier's features of the real test split, for eval. */
@Command(name = "reference-features", mixinStandardHelpOptions = true,
        description = "Compute the evaluation classifier's features of the dataset's test split.")
public final class ReferenceFeaturesCommand implements Callable<Integer> {
    @Option(names = "--classifier", defaultValue = "models/fashion-mnist/classifier.safetensors",
            description = "Evaluation classifier (default: ${DEFAULT-VALUE}).")
    String classifier;

    @Option(names = "--out", defaultValue = "runs/reference-features/reference-features.safetensors",
            description = "Output file (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--data", description = "Dataset: IDX files or an image folder (default: Fashion-MNIST in "
            + "/usr/share/datasets/fashion-mnist).")
    Path data;

    @Override
    public Integer call() {
        try (NDManager root = Backend.newManager()) {
            ReferenceFeatures.write(Home.resolve(classifier), Datasets.open(data), out, root);
        }
        return 0;
    }
}
