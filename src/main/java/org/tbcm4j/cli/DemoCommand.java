package org.tbcm4j.cli;

import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.tbcm4j.config.Configs;
import org.tbcm4j.distill.DistillConfig;
import org.tbcm4j.experiment.Demo;
import org.tbcm4j.experiment.DemoRunConfig;
import org.tbcm4j.util.Backend;
import org.tbcm4j.util.Home;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tbcm demo}: the main job, on shipped checkpoints and without any dataset. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Distil the shipped teacher image-free (TBCM), then compare teacher and one-/two-step student on "
                + "the same noise; writes <out>/index.html (the page report and pipeline also write) and <out>/metrics.json. Needs no dataset.")
public final class DemoCommand implements Callable<Integer> {
    @Option(names = "--quick", description = "A shorter distillation and fewer samples (a few minutes).")
    boolean quick;

    @Option(names = "--out", defaultValue = "demo", description = "Output directory (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--config", defaultValue = "configs/demo.yaml", description = "Demo config (default: ${DEFAULT-VALUE}).")
    String config;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override a key of the demo's distillation "
            + "config, e.g. --set training.steps=100 (repeatable).")
    List<String> sets = new ArrayList<>();

    @Override
    public Integer call() {
        DemoRunConfig demo = Configs.load(Home.resolve(config), DemoRunConfig.class);
        DistillConfig distill = Configs.load(Home.resolve(quick ? demo.quickDistill() : demo.distill()),
                DistillConfig.class, sets).withMethod("tbcm");
        try (NDManager root = Backend.newManager()) {
            Demo.run(demo, distill, quick ? demo.quickSamples() : demo.samples(), quick, out, root);
        }
        return 0;
    }
}
