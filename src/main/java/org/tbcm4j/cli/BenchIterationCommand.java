package org.tbcm4j.cli;

import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.tbcm4j.config.Configs;
import org.tbcm4j.distill.DistillConfig;
import org.tbcm4j.distill.Method;
import org.tbcm4j.bench.DistillBench;
import org.tbcm4j.bench.IterationBreakdown;
import org.tbcm4j.train.RunDirectory;
import org.tbcm4j.util.Backend;
import org.tbcm4j.util.Home;
import org.tbcm4j.util.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tbcm bench iteration}: where one distillation iteration's time and memory go, for one arm. */
@Command(name = "iteration", mixinStandardHelpOptions = true,
        description = "Time each phase of the real distillation iteration (pairs, student JVP pass, a method's own "
                + "term, backward, optimizer, EMA, a method's own update) and the memory each adds.")
public final class BenchIterationCommand implements Callable<Integer> {
    @Option(names = "--config", defaultValue = "configs/distill.yaml", description = "Distillation config (default: ${DEFAULT-VALUE}).")
    String config;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override a config key (repeatable), e.g. "
            + "--set method=sana_sprint.")
    List<String> sets = new ArrayList<>();

    @Option(names = "--data", description = "Dataset for the data arms: IDX files or an image folder (default: Fashion-MNIST in /usr/share/datasets/fashion-mnist).")
    Path data;

    @Option(names = "--warmup", defaultValue = "2", description = "Untimed iterations first (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--iterations", defaultValue = "10", description = "Timed iterations (default: ${DEFAULT-VALUE}).")
    int iterations;

    @Option(names = "--json", description = "Also write the result to this JSON file.")
    Path json;

    @Override
    public Integer call() throws Exception {
        DistillConfig cfg = Configs.load(Home.resolve(config), DistillConfig.class, sets);
        IterationBreakdown.Result r;
        try (NDManager root = Backend.newManager()) {
            r = IterationBreakdown.measure(cfg, data, warmup, iterations, root);
        }
        System.out.print(DistillBench.table(Method.of(cfg.method()).title(), r));
        if (json != null) {
            RunDirectory.writeAtomically(json, Json.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(r));
        }
        return 0;
    }
}
