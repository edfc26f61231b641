package org.tbcm4j.cli;

import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.tbcm4j.bench.DistillBench;
import org.tbcm4j.config.Configs;
import org.tbcm4j.experiment.DemoRunConfig;
import org.tbcm4j.train.RunDirectory;
import org.tbcm4j.util.Backend;
import org.tbcm4j.util.Home;
import org.tbcm4j.util.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code tbcm bench distill}: TBCM, the data-based sCM baseline, Sana-Sprint (sCM + LADD) and TBCM with
 * the DMD regulariser under one config, same iterations and pairs, each in its own JVM.
 */
@Command(name = "distill", mixinStandardHelpOptions = true,
        description = "Distil with trajectory pairs (TBCM), data pairs (sCM), data pairs with LADD (Sana-Sprint) "
                + "and trajectory pairs with the DMD regulariser (tbcm-dmd) under one config, each in its own JVM; compare 1- and 2-step FD and class accuracy, time per "
                + "iteration, network evaluations and peak memory.")
public final class BenchDistillCommand implements Callable<Integer> {
    @Option(names = "--config", defaultValue = "configs/distill.yaml", description = "Distillation config (default: ${DEFAULT-VALUE}).")
    String config;

    @Option(names = "--demo-config", defaultValue = "configs/demo.yaml",
            description = "Where the evaluation models and the student's sampling settings come from (default: ${DEFAULT-VALUE}).")
    String demoConfig;

    @Option(names = "--steps", description = "Override training.steps for both arms.")
    Long steps;

    @Option(names = "--samples", defaultValue = "1000", description = "Samples per evaluation (default: ${DEFAULT-VALUE}).")
    int samples;

    @Option(names = "--out", defaultValue = "runs/bench-distill", description = "Output directory (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--data", description = "Dataset for the data arms: IDX files or an image folder (default: Fashion-MNIST in /usr/share/datasets/fashion-mnist).")
    Path data;

    @Option(names = "--arms", split = ",", defaultValue = "tbcm,data-scm,sana-sprint,tbcm-dmd",
            description = "Arms to run, of tbcm, data-scm, sana-sprint, tbcm-dmd (default: ${DEFAULT-VALUE}).")
    List<String> armNames;

    @Option(names = "--breakdown-iterations", defaultValue = "10",
            description = "Iterations of each arm's component breakdown (bench iteration), after its run; 0 skips it "
                    + "(default: ${DEFAULT-VALUE}).")
    int breakdownIterations;

    @Override
    public Integer call() throws Exception {
        DemoRunConfig demo = Configs.load(Home.resolve(demoConfig), DemoRunConfig.class);
        DistillBench.Setup setup = new DistillBench.Setup(Home.resolve(config).toAbsolutePath(), armNames, steps, data,
                breakdownIterations, out);
        DistillBench.Scoring scoring = new DistillBench.Scoring(Home.resolve(demo.autoencoder()),
                Home.resolve(demo.classifier()), Home.resolve(demo.reference()), samples, demo.seed(),
                demo.student().intermediate(), demo.student().cfg());
        DistillBench.Outcome outcome;
        try (NDManager root = Backend.newManager()) {
            outcome = DistillBench.run(setup, scoring, root);
        }
        System.out.print(outcome.markdown());
        RunDirectory.writeAtomically(out.resolve("bench-distill.md"), outcome.markdown());
        RunDirectory.writeAtomically(out.resolve("bench-distill.json"),
                Json.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(outcome.arms()));
        System.out.println("wrote " + out.resolve("bench-distill.md") + " and .json");
        return 0;
    }
}
