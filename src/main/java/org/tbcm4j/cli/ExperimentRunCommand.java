package org.tbcm4j.cli;

import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.tbcm4j.experiment.Plan;
import org.tbcm4j.experiment.RunExecution;
import org.tbcm4j.util.Backend;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The child JVM of {@code tbcm experiment}: one (arm, seed) run, or the teacher's scoring. Not for direct use. */
@Command(name = "experiment-run", hidden = true, mixinStandardHelpOptions = true,
        description = "One run of an experiment plan (started by tbcm experiment).")
public final class ExperimentRunCommand implements Callable<Integer> {
    @Option(names = "--plan", required = true)
    Path plan;

    @Option(names = "--out", required = true)
    Path out;

    @Option(names = "--arm")
    String arm;

    @Option(names = "--seed")
    Long seed;

    @Option(names = "--teacher", description = "Score the plan's teacher settings instead of a run.")
    boolean teacher;

    @Option(names = "--set", description = "Derived overrides (a matched training time).")
    List<String> sets = new ArrayList<>();

    @Option(names = "--data")
    Path data;

    @Override
    public Integer call() {
        Plan p = Plan.load(plan);
        try (NDManager root = Backend.newManager()) {
            if (teacher) {
                RunExecution.teacher(p, out, root);
            } else {
                if (arm == null || seed == null) {
                    throw new IllegalArgumentException("experiment-run needs --arm and --seed, or --teacher");
                }
                RunExecution.run(p, out, arm, seed, sets, data, root);
            }
        }
        return 0;
    }
}
