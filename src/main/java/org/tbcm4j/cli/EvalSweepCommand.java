package org.tbcm4j.cli;

import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.tbcm4j.eval.GeneratedSet;
import org.tbcm4j.eval.Metrics;
import org.tbcm4j.eval.Scorer;
import org.tbcm4j.model.Autoencoder;
import org.tbcm4j.model.LatentGenerator;
import org.tbcm4j.model.ModelFiles;
import org.tbcm4j.train.RunDirectory;
import org.tbcm4j.util.Backend;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code tbcm eval-sweep}: the metrics over a grid of step counts and guidance scales, as a table. */
@Command(name = "eval-sweep", mixinStandardHelpOptions = true,
        description = "Evaluate a model over every combination of --step-list and --cfg-list; writes a CSV and a "
                + "Markdown table.")
public final class EvalSweepCommand implements Callable<Integer> {
    @Mixin
    GenerationOptions generation;

    @Option(names = "--step-list", split = ",", defaultValue = "4,8,16,32",
            description = "Step counts (default: ${DEFAULT-VALUE}).")
    int[] stepList;

    @Option(names = "--cfg-list", split = ",", defaultValue = "1,1.5,2,3,4,5",
            description = "Guidance scales (default: ${DEFAULT-VALUE}).")
    double[] cfgList;

    @Option(names = "--intermediate-list", split = ",",
            description = "Student, 2 steps: intermediate times to sweep, in (0, 1.5708) (default: --intermediate alone).")
    double[] intermediateList;

    @Mixin
    ScoringOptions scoring;

    @Option(names = "--out", defaultValue = "sweep", description = "Output prefix: writes <out>.csv and <out>.md "
            + "(default: ${DEFAULT-VALUE}).")
    String out;

    @Override
    public Integer call() {
        List<String> csv = new ArrayList<>(List.of("steps,cfg,intermediate,fd,kid,kid_std,precision,recall,class_accuracy,"
                + "samples,network_evaluations_per_sample,generation_seconds"));
        List<String> md = new ArrayList<>(List.of("| steps | CFG | intermediate t | FD | KID | precision | recall | "
                + "class accuracy |", "|---|---|---|---|---|---|---|---|"));
        double[] intermediates = intermediateList == null ? new double[] {generation.intermediate} : intermediateList;
        try (NDManager root = Backend.newManager()) {
            Autoencoder ae = ModelFiles.autoencoder(generation.autoencoderPath(), root);
            Scorer scorer = scoring.load(generation.modelPath(), root);
            for (int steps : stepList) {
                for (double cfg : cfgList) {
                    // the intermediate time only moves a 2-step student; other settings are scored once
                    for (double t : steps == 2 ? intermediates : new double[] {generation.intermediate}) {
                        generation.steps = steps;
                        generation.cfg = cfg;
                        generation.intermediate = t;
                        LatentGenerator generator = generation.generator(ae, root);
                        String mid = steps == 2 && generator instanceof org.tbcm4j.model.StudentGenerator
                                ? String.valueOf(t) : "";
                        GeneratedSet set = scorer.generate(generator, ae, scoring.samples, generation.seed,
                                generation.batch, root);
                        Metrics m = scorer.score(set, generation.seed);
                        csv.add(String.format(Locale.ROOT, "%d,%s,%s,%.5f,%.6f,%.6f,%.4f,%.4f,%.4f,%d,%d,%.1f", steps,
                                cfg, mid, m.fd(), m.kid(), m.kidStd(), m.precision(), m.recall(), m.classAccuracy(),
                                m.samples(), generator.evaluationsPerSample(), set.seconds()));
                        md.add(String.format(Locale.ROOT, "| %d | %s | %s | %.3f | %.4f | %.3f | %.3f | %.3f |", steps,
                                cfg, mid.isEmpty() ? "–" : mid, m.fd(), m.kid(), m.precision(), m.recall(),
                                m.classAccuracy()));
                        System.out.println(md.get(md.size() - 1));
                        if (mid.isEmpty()) {
                            break;  // a teacher ignores the intermediate time: one row
                        }
                    }
                }
            }
        }
        RunDirectory.writeAtomically(Path.of(out + ".csv"), String.join("\n", csv) + "\n");
        RunDirectory.writeAtomically(Path.of(out + ".md"), String.join("\n", md) + "\n");
        System.out.println("wrote " + out + ".csv and " + out + ".md");
        return 0;
    }
}
