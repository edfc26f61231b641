package org.tbcm4j.distill;

import ai.djl.ndarray.NDManager;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import org.tbcm4j.eval.GeneratorScores;
import org.tbcm4j.model.DiT;
import org.tbcm4j.model.TeacherGenerator;
import org.tbcm4j.trigflow.OdeSampler;
import org.tbcm4j.util.AtomicFiles;
import org.tbcm4j.util.Json;

/**
 * Where a teacher is best, and the rollouts moved there. The distilled student follows the guidance it is
 * distilled at, and the shipped range (w 1 to 3) is centred on the Fashion-MNIST teacher's FD-best w 1.5; another
 * dataset's teacher can be best elsewhere (the shapes teacher at w 3), so the pipeline scores the teacher over
 * {@link #CANDIDATES} and moves the preset's range by the difference between the two best scales.
 */
public final class GuidanceCalibration {
    public static final List<Double> CANDIDATES = List.of(1.0, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0);
    public static final int TEACHER_STEPS = 16;
    /** Samples per candidate (fewer when the pipeline's report has fewer). */
    public static final int SAMPLES = 500;
    public static final long SEED = 0;

    private GuidanceCalibration() {}

    /** The calibration: the teacher's FD at each candidate, its best w, and the rollouts' scales moved there. */
    public record Result(Map<Double, Double> fd, double bestW, List<Double> guidanceScales) {}

    /**
     * {@code presetScales} moved by {@code bestW - presetW}; a scale that would fall under 1 (guidance weaker than
     * the conditional model alone) is raised to 1, and duplicates go.
     */
    public static List<Double> moved(List<Double> presetScales, double presetW, double bestW) {
        TreeSet<Double> scales = new TreeSet<>();
        for (double w : presetScales) {
            scales.add(Math.max(1.0, w + bestW - presetW));
        }
        return List.copyOf(scales);
    }

    /** The candidate with the lowest FD (the lower w on a tie). */
    public static double best(Map<Double, Double> fd) {
        double bestW = Double.NaN;
        double bestFd = Double.POSITIVE_INFINITY;
        for (Map.Entry<Double, Double> e : fd.entrySet()) {
            if (e.getValue() < bestFd) {
                bestFd = e.getValue();
                bestW = e.getKey();
            }
        }
        if (Double.isNaN(bestW)) {
            throw new IllegalStateException("no candidate guidance scale gave a finite FD: " + fd);
        }
        return bestW;
    }

    /** Scores {@code teacher} at each candidate ({@code samples} each) and writes the result to {@code out} (JSON). */
    public static Result calibrate(DiT teacher, GeneratorScores scoring, List<Double> presetScales, double presetW,
            int samples, Path out, NDManager root) {
        Map<Double, Double> fd = new LinkedHashMap<>();
        List<Map<String, Object>> rows = new ArrayList<>();
        for (double w : CANDIDATES) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("w", w);
            row.putAll(scoring.score(new TeacherGenerator(teacher, OdeSampler.parse("dpm2m"), TEACHER_STEPS, w, 1.0),
                    samples, SEED, root));
            double f = ((Number) row.get("fd")).doubleValue();
            fd.put(w, f);
            rows.add(row);
            System.out.printf(Locale.ROOT, "teacher, %d steps, w %s: FD %.3f%n", TEACHER_STEPS, w, f);
        }
        double bestW = best(fd);
        List<Double> scales = moved(presetScales, presetW, bestW);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("teacher_steps", TEACHER_STEPS);
        json.put("samples", samples);
        json.put("seed", SEED);
        json.put("teacher", rows);
        json.put("best_w", bestW);
        json.put("preset_guidance_scales", presetScales);
        json.put("preset_best_w", presetW);
        json.put("guidance_scales", scales);
        AtomicFiles.write(out, Json.write(json).getBytes(StandardCharsets.UTF_8));
        System.out.printf(Locale.ROOT, "the teacher is FD-best at w %s: rollouts over w %s, evaluation at w %s%n", bestW,
                scales, bestW);
        return new Result(fd, bestW, scales);
    }
}
