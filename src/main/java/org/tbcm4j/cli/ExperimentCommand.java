package org.tbcm4j.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.tbcm4j.experiment.Experiment;
import org.tbcm4j.experiment.Plan;
import org.tbcm4j.util.Home;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tbcm experiment}: a plan's arms over its seeds, each run in its own JVM, resumable; then the summary. */
@Command(name = "experiment", mixinStandardHelpOptions = true,
        description = "Run every (arm, seed) of a plan (plans/*.yaml) in its own JVM, then summarise: results.csv, "
                + "summary.md/json (mean, sd and 95 %% interval over seeds; paired differences from the reference "
                + "arm), charts and index.html. Run it again to resume: finished runs are skipped, interrupted "
                + "ones continue from their last checkpoint.")
public final class ExperimentCommand implements Callable<Integer> {
    @Option(names = "--plan", required = true, description = "The plan, e.g. plans/claims.yaml.")
    Path plan;

    @Option(names = "--out", description = "Output directory (default: runs/experiments/<plan name>).")
    Path out;

    @Option(names = "--jobs", defaultValue = "1", description = "Runs at once, each with cores/jobs threads "
            + "(default: ${DEFAULT-VALUE}; times are only comparable between runs made alone).")
    int jobs;

    @Option(names = "--data", description = "Dataset for the data arms: IDX files or an image folder (default: Fashion-MNIST in /usr/share/datasets/fashion-mnist).")
    Path data;

    @Option(names = "--dry-run", description = "Print each arm's config and what is done; run nothing.")
    boolean dryRun;

    @Option(names = "--summarize", description = "Only write the summary from the results there are so far.")
    boolean summarize;

    @Override
    public Integer call() {
        Path planFile = Home.resolve(plan.toString());
        Plan p = Plan.load(planFile);
        Path outDir = out != null ? out : Home.resolve("runs/experiments/" + p.name());
        Experiment experiment = new Experiment(p, planFile, outDir, jobs, data);
        if (dryRun) {
            experiment.describe();
            return 0;
        }
        if (summarize) {
            experiment.summarize();
            return 0;
        }
        int failed = experiment.run();
        if (failed > 0) {
            System.err.println("tbcm: error: " + failed + " run" + (failed == 1 ? "" : "s") + " failed (logs under "
                    + outDir.resolve("logs") + "); run the same command again to retry them");
            return 1;
        }
        return 0;
    }
}
