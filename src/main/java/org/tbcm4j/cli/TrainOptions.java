package org.tbcm4j.cli;

import java.nio.file.Path;
import org.tbcm4j.config.Configs;
import org.tbcm4j.data.FashionMnist;
import org.tbcm4j.train.RunDirectory;
import org.tbcm4j.train.TrainingConfig;
import org.tbcm4j.util.Home;
import picocli.CommandLine.Option;

/** Options every training command shares. */
public final class TrainOptions {
    @Option(names = "--config", description = "YAML run config (default: configs/<command's model>.yaml, e.g. "
            + "configs/teacher.yaml for train-teacher).")
    String config;

    @Option(names = "--name", description = "Run name: outputs go to <runs>/<name> (default: the config's name).")
    String name;

    @Option(names = "--runs", defaultValue = "runs", description = "Directory of runs (default: ${DEFAULT-VALUE}).")
    Path runs;

    @Option(names = "--data", description = "Fashion-MNIST directory (default: /usr/share/datasets/fashion-mnist).")
    Path data;

    @Option(names = "--resume", description = "Continue the run from its last checkpoint, with its saved config.")
    boolean resume;

    @Option(names = "--steps", description = "Override training.steps (e.g. to extend a resumed run).")
    Long steps;

    @Option(names = "--stop-after", defaultValue = "0",
            description = "Stop after this step, with a checkpoint saved, as an interruption would (0: run to the end).")
    long stopAfter;

    Path dataDir() {
        return data != null ? data : FashionMnist.DEFAULT_DIR;
    }

    /** The config to use: the run's saved one when resuming, else --config (or the command's default). */
    <T> T loadConfig(String defaultConfig, Class<T> type, java.util.function.Function<T, String> nameOf) {
        if (resume) {
            RunDirectory dir = new RunDirectory(runs.resolve(name != null ? name
                    : nameOf.apply(Configs.load(Home.resolve(config != null ? config : defaultConfig), type))));
            return Configs.load(dir.config(), type);
        }
        return Configs.load(Home.resolve(config != null ? config : defaultConfig), type);
    }

    RunDirectory runDirectory(String configName) {
        return new RunDirectory(runs.resolve(name != null ? name : configName));
    }

    TrainingConfig training(TrainingConfig fromConfig) {
        return steps == null ? fromConfig : fromConfig.withSteps(steps);
    }
}
