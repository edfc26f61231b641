package org.tbcm4j.distill;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.tbcm4j.report.MetricsTable;
import org.tbcm4j.train.RunDirectory;

/**
 * How hard LADD's adversary pulled in a finished run, read from its metrics.csv: whether the adversarial
 * term was strong enough to steer the student, and whether its discriminator told reals from the
 * student's fakes. Beside {@link RunCost} in a result file's {@code training} section.
 *
 * @param gradientRatio the median over logged rows of grad_norm_auxiliary / grad_norm_consistency: the
 *     weighted adversarial term's gradient norm as a fraction of the sCM term's
 * @param realLogit the discriminator's mean logit on real latents over the last {@value #LAST_ITERATIONS}
 *     iterations (the mean of the rows logged there)
 * @param fakeLogit the same on the student's fakes
 */
public record AdversaryBalance(double gradientRatio, double realLogit, double fakeLogit) {
    /** The discriminator's logits are read at the end of training, where the student has settled. */
    public static final int LAST_ITERATIONS = 100;

    /** The keys of a result file's {@code training} section, as {@link #json()} writes them. */
    public static final String GRADIENT_RATIO = "adversary_gradient_ratio";
    public static final String REAL_LOGIT = "discriminator_real_logit";
    public static final String FAKE_LOGIT = "discriminator_fake_logit";
    public static final String LOGIT_GAP = "discriminator_logit_gap";

    /** The run's balance; empty for a run without an adversary (no such columns). */
    public static Optional<AdversaryBalance> of(RunDirectory dir) {
        return of(MetricsTable.read(dir.metrics()));
    }

    static Optional<AdversaryBalance> of(MetricsTable metrics) {
        Map<Double, Double> consistency = byStep(metrics.column("grad_norm_" + DistillTask.CONSISTENCY_TERM));
        Map<Double, Double> auxiliary = byStep(metrics.column("grad_norm_" + DistillTask.AUXILIARY_TERM));
        List<double[]> real = metrics.column("discriminator_real_logit"); // SanaSprint's metric columns
        List<double[]> fake = metrics.column("discriminator_fake_logit");
        if (auxiliary.isEmpty() || real.isEmpty() || fake.isEmpty()) {
            return Optional.empty();
        }
        List<Double> ratios = new ArrayList<>();
        auxiliary.forEach((step, a) -> {
            Double c = consistency.get(step);
            if (c != null && c > 0 && Double.isFinite(a)) {
                ratios.add(a / c);
            }
        });
        double lastStep = Math.max(real.get(real.size() - 1)[0], fake.get(fake.size() - 1)[0]);
        return Optional.of(new AdversaryBalance(median(ratios), meanAfter(real, lastStep - LAST_ITERATIONS),
                meanAfter(fake, lastStep - LAST_ITERATIONS)));
    }

    /** How far the discriminator's logit on reals lies above its logit on fakes. */
    public double logitGap() {
        return realLogit - fakeLogit;
    }

    /** The keys this adds to a result file's {@code training} section. */
    public Map<String, Object> json() {
        Map<String, Object> t = new LinkedHashMap<>();
        t.put(GRADIENT_RATIO, gradientRatio);
        t.put(REAL_LOGIT, realLogit);
        t.put(FAKE_LOGIT, fakeLogit);
        t.put(LOGIT_GAP, logitGap());
        return t;
    }

    private static Map<Double, Double> byStep(List<double[]> points) {
        Map<Double, Double> m = new TreeMap<>();
        points.forEach(p -> m.put(p[0], p[1]));
        return m;
    }

    private static double median(List<Double> values) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        List<Double> v = new ArrayList<>(values);
        Collections.sort(v);
        int n = v.size();
        return n % 2 == 1 ? v.get(n / 2) : (v.get(n / 2 - 1) + v.get(n / 2)) / 2;
    }

    /** The mean of the finite values logged after {@code step}. */
    private static double meanAfter(List<double[]> points, double step) {
        return points.stream().filter(p -> p[0] > step).mapToDouble(p -> p[1]).filter(Double::isFinite).average()
                .orElse(Double.NaN);
    }
}
