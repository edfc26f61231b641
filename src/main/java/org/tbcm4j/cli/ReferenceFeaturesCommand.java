package org.tbcm4j.cli;

import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.tbcm4j.data.FashionMnist;
import org.tbcm4j.checkpoint.Fingerprint;
import org.tbcm4j.eval.ReferenceFeatures;
import org.tbcm4j.model.Classifier;
import org.tbcm4j.model.ModelFiles;
import org.tbcm4j.util.Backend;
import org.tbcm4j.util.Home;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tbcm reference-features}: the classifier's features of the real test split, for eval. */
@Command(name = "reference-features", mixinStandardHelpOptions = true,
        description = "Compute the evaluation classifier's features of the Fashion-MNIST test split (needs the dataset).")
public final class ReferenceFeaturesCommand implements Callable<Integer> {
    @Option(names = "--classifier", defaultValue = "models/fashion-mnist/classifier.safetensors",
            description = "Evaluation classifier (default: ${DEFAULT-VALUE}).")
    String classifier;

    @Option(names = "--out", defaultValue = "runs/reference-features/reference-features.safetensors",
            description = "Output file (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--data", description = "Fashion-MNIST directory (default: /usr/share/datasets/fashion-mnist).")
    Path data;

    @Override
    public Integer call() {
        try (NDManager root = Backend.newManager()) {
            Classifier cls = ModelFiles.classifier(Home.resolve(classifier), root);
            float[][] features = ReferenceFeatures.compute(cls,
                    FashionMnist.load(data != null ? data : FashionMnist.DEFAULT_DIR, FashionMnist.Split.TEST), root);
            ReferenceFeatures.save(out, features, Fingerprint.of(cls), root);
            System.out.printf("%s: %d × %d features (classifier %s)%n", out, features.length, features[0].length,
                    Fingerprint.of(cls));
        }
        return 0;
    }
}
