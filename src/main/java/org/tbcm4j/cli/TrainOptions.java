package org.tbcm4j.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.tbcm4j.config.Configs;
import org.tbcm4j.data.Dataset;
import org.tbcm4j.data.Datasets;
import org.tbcm4j.train.RunDirectory;
import org.tbcm4j.train.TrainingConfig;
import org.tbcm4j.util.Home;
import picocli.CommandLine.Option;

/** Options every training command shares. */
public final class TrainOptions {
    @Option(names = "--config", description = "YAML run config (default: configs/<command's model>.yaml, e.g. "
            + "configs/teacher.yaml for train-teacher).")
    String config;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override a config key, e.g. --set "
            + "training.steps=30 --set loss.final_r=0.5 (repeatable; checked against the config's keys and types; "
            + "the run's config.yaml records the result).")
    List<String> sets = new ArrayList<>();

    @Option(names = "--name", description = "Run name: outputs go to <runs>/<name> (default: the config's name).")
    String name;

    @Option(names = "--runs", defaultValue = "runs", description = "Directory of runs (default: ${DEFAULT-VALUE}).")
    Path runs;

    @Option(names = "--data", description = "Dataset: IDX files or an image folder (DIR/<class>/*.png, optionally "
            + "under train/ and test/) (default: Fashion-MNIST in /usr/share/datasets/fashion-mnist).")
    Path data;

    @Option(names = "--resume", description = "Continue the run from its last checkpoint, with its saved config.")
    boolean resume;

    @Option(names = "--steps", description = "Override training.steps (e.g. to extend a resumed run); a fresh "
            + "distillation rescales its lr and r schedules with it.")
    Long steps;

    @Option(names = "--stop-after", defaultValue = "0",
            description = "Stop after this step, with a checkpoint saved, as an interruption would (0: run to the end).")
    long stopAfter;

    /**
     * The run length asked for, by --steps or by --set training.steps=N (which then leaves --set, so that
     * both spellings mean the same: the length of a fresh distillation rescales its schedules with it).
     */
    Long takeSteps() {
        Long fromSet = null;
        for (java.util.Iterator<String> it = sets.iterator(); it.hasNext(); ) {
            String s = it.next();
            int eq = s.indexOf('=');
            if (eq > 0 && s.substring(0, eq).strip().equals("training.steps")) {
                String value = s.substring(eq + 1).strip();
                try {
                    fromSet = Long.parseLong(value);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("--set " + s + ": expected a whole number (long), got '" + value
                            + "'");
                }
                it.remove();
            }
        }
        if (fromSet != null && steps != null && !fromSet.equals(steps)) {
            throw new IllegalArgumentException("--steps " + steps + " and --set training.steps=" + fromSet
                    + " disagree; give one");
        }
        if (fromSet != null) {
            steps = fromSet;
        }
        if (steps != null && steps < 1) {
            throw new IllegalArgumentException("training.steps must be positive, got " + steps);
        }
        return steps;
    }

    /** The dataset --data names (default: Fashion-MNIST), opened and checked. */
    Dataset dataset() {
        return Datasets.open(data);
    }

    /**
     * The config to use, with --set applied: the run's saved one when resuming, else --config (or the
     * command's default).
     */
    <T> T loadConfig(String defaultConfig, Class<T> type, Function<T, String> nameOf) {
        Path file = Home.resolve(config != null ? config : defaultConfig);
        if (resume) {
            String run = name != null ? RunDirectory.checkName(name, "--name")
                    : RunDirectory.checkName(nameOf.apply(Configs.load(file, type, sets)), "the config's name");
            return Configs.load(new RunDirectory(runs.resolve(run)).config(), type, sets);
        }
        return Configs.load(file, type, sets);
    }

    /**
     * The run's directory under --runs, named by --name or the config: one safe path segment, and for a
     * fresh start a directory that holds no other run (its metrics and config would be overwritten).
     */
    RunDirectory runDirectory(String configName) {
        String run = name != null ? RunDirectory.checkName(name, "--name")
                : RunDirectory.checkName(configName, "the config's name");
        if (Files.exists(runs) && !Files.isDirectory(runs)) {
            throw new IllegalArgumentException("--runs " + runs + " is not a directory");
        }
        RunDirectory dir = new RunDirectory(runs.resolve(run));
        if (!resume && dir.holdsRun()) {
            throw new IllegalArgumentException(dir.root() + " already holds a run; pass --resume to continue it, "
                    + "or choose another --name");
        }
        return dir;
    }

    TrainingConfig training(TrainingConfig fromConfig) {
        return steps == null ? fromConfig : fromConfig.withSteps(steps);
    }
}
