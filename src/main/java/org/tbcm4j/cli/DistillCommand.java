package org.tbcm4j.cli;

import ai.djl.ndarray.NDManager;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.tbcm4j.distill.DistillConfig;
import org.tbcm4j.distill.Distillation;
import org.tbcm4j.util.Backend;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code tbcm distill}: TBCM (image-free) or the data-based sCM baseline. */
@Command(name = "distill", mixinStandardHelpOptions = true,
        description = "Distil the teacher into a one-step student with the sCM loss, by TBCM (trajectory pairs, "
                + "image-free), data-based sCM or Sana-Sprint (data-based sCM plus LADD).")
public final class DistillCommand implements Callable<Integer> {
    @Mixin
    TrainOptions options;

    @Option(names = "--method", description = "tbcm, scm, sana_sprint or tbcm_dmd; default: the config's.")
    String method;

    @Option(names = "--pairs", paramLabel = "store:DIR", description = "TBCM's pairs from a trajectory store "
            + "(bin/tbcm rollouts) instead of online rollouts: sets trajectory_store.")
    String pairs;

    @Override
    public Integer call() {
        options.takeSteps();
        if (method != null) {
            // bound with the config, so that the method's own section (ladd, dmd) is read, not dropped
            options.sets.add("method=" + method);
        }
        if (pairs != null) {
            if (!pairs.startsWith("store:") || pairs.length() == "store:".length()) {
                throw new IllegalArgumentException("--pairs takes store:DIR, got '" + pairs + "'");
            }
            options.sets.add("trajectory_store=" + pairs.substring("store:".length()));
        }
        DistillConfig cfg = options.loadConfig("configs/distill.yaml", DistillConfig.class, DistillConfig::name);
        if (options.steps != null && !options.resume && options.steps != cfg.training().steps()) {
            // a fresh run of another length keeps its schedules in the same part of the run; a resumed run
            // extended with --steps keeps the iterations it was started with
            cfg = cfg.rescaledTo(options.steps);
            System.out.printf(Locale.ROOT, "schedules rescaled to %d iterations: lr warm-up %d, r warm-up %d, calm-down "
                    + "from %d over %d%n", options.steps, cfg.training().warmupSteps(), cfg.loss().tangentWarmup(),
                    cfg.loss().calmDownStart(), cfg.loss().calmDownSteps());
        }
        cfg = cfg.withTraining(options.training(cfg.training()));
        try (NDManager root = Backend.newManager()) {
            Distillation.Outcome out = Distillation.run(cfg, options.runDirectory(cfg.name()), options.data,
                    options.resume, options.stopAfter, root);
            System.out.printf(Locale.ROOT, "%s: steps %d-%d, %d pairs per step, %.0f s, peak resident memory %.0f MiB "
                            + "(%d steps skipped)%n", cfg.method(), out.loop().firstStep(), out.loop().lastStep(),
                    out.pairsPerIteration(), out.seconds(), out.peakResidentBytes() / 1048576.0, out.loop().skippedSteps());
            System.out.println(out.loop().finished() ? "student: " + out.model()
                    : "stopped early; continue with --resume.");
        }
        return 0;
    }
}
