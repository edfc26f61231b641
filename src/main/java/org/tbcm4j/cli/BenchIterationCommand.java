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
import org.tbcm4j.bench.IterationBreakdown;
import org.tbcm4j.train.RunDirectory;
import org.tbcm4j.util.Backend;
import org.tbcm4j.util.Home;
import org.tbcm4j.util.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tbcm bench iteration}: where one distillation iteration's time and memory go, for one arm. */
@Command(name = "iteration", mixinStandardHelpOptions = true,
        description = "Time each component of a distillation iteration (pairs, student JVP, student forward and "
                + "backward, optimizer, LADD's generator and discriminator passes) and the memory each adds.")
public final class BenchIterationCommand implements Callable<Integer> {
    @Option(names = "--config", defaultValue = "configs/distill.yaml", description = "Distillation config (default: ${DEFAULT-VALUE}).")
    String config;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override a config key (repeatable), e.g. "
            + "--set pairs=data --set ladd.enabled=true for Sana-Sprint.")
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
        System.out.print(table(Method.of(cfg.method()).title(), r));
        if (json != null) {
            RunDirectory.writeAtomically(json, Json.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(r));
        }
        return 0;
    }

    /** The breakdown as a Markdown table: median ms, share of the total, and the memory rise of each component. */
    static String table(String arm, IterationBreakdown.Result r) {
        StringBuilder md = new StringBuilder(String.format(Locale.ROOT,
                "%s, %d pairs per iteration: components timed on their own (median of the timed iterations)%n%n"
                        + "| component | ms | share | resident rise in the first iteration, MiB |%n|---|---|---|---|%n",
                arm, r.pairsPerIteration()));
        for (IterationBreakdown.Component c : r.components()) {
            boolean counted = c.role() == IterationBreakdown.Role.COMPONENT;
            md.append(String.format(Locale.ROOT, "| %s%s | %.1f | %s | %s |%n",
                    c.role() == IterationBreakdown.Role.PART ? "↳ " : "", c.name(), c.medianMs(),
                    counted ? String.format(Locale.ROOT, "%.0f %%", 100 * c.medianMs() / r.totalMs()) : "",
                    c.peakRiseBytes() < 0 ? "n/a" : String.format(Locale.ROOT, "%.0f", c.peakRiseBytes() / 1048576.0)));
        }
        md.append(String.format(Locale.ROOT, "| total | %.1f | 100 %% | |%n%n", r.totalMs()));
        md.append(String.format(Locale.ROOT, "- resident memory once built, before the first iteration: %.0f MiB%n",
                r.residentAfterSetupBytes() / 1048576.0));
        for (Map.Entry<String, Long> e : r.stateBytes().entrySet()) {
            md.append(String.format(Locale.ROOT, "- %s: %.1f MiB%n", e.getKey(), e.getValue() / 1048576.0));
        }
        md.append(String.format(Locale.ROOT, "- peak resident memory of the process: %.0f MiB%n",
                r.peakResidentBytes() / 1048576.0));
        return md.toString();
    }
}
