package org.tbcm4j.eval;

import ai.djl.ndarray.NDManager;
import java.util.function.DoubleFunction;
import org.tbcm4j.model.GuidanceScales;
import org.tbcm4j.model.LatentGenerator;

/**
 * Does a student obey its guidance input? From the same noise and classes, a generator's response to moving
 * w from {@code low} to {@code high} is the mean distance between its latents at the two scales,
 * mean_i ‖G_high(z_i, c_i) − G_low(z_i, c_i)‖₂. The student's response as a fraction of the teacher's says
 * how much of the control the teacher offers the student kept: 1 when w moves its samples as far as it moves
 * the teacher's, 0 when w is ignored.
 *
 * @param studentDistance the student's mean distance between its latents at the two scales
 * @param teacherDistance the teacher's
 * @param studentSize the student's mean latent norm at {@code low}, for a relative change
 * @param teacherSize the teacher's
 */
public record GuidanceResponse(double low, double high, int samples, double studentDistance, double teacherDistance,
        double studentSize, double teacherSize) {

    /** How far one generator's latents move between the two scales, and their mean size at the low one. */
    public record Move(double distance, double size) {}

    /** The student's response as a fraction of the teacher's. */
    public double fraction() {
        return studentDistance / teacherDistance;
    }

    /** How far the student's latents move, relative to their size. */
    public double studentRelative() {
        return studentDistance / studentSize;
    }

    /** How far the teacher's latents move, relative to their size. */
    public double teacherRelative() {
        return teacherDistance / teacherSize;
    }

    /**
     * Measures both generators at {@code low} and {@code high} on {@code samples} samples (balanced over the
     * classes, the noise of (seed, i) for sample i, as every evaluation draws them).
     */
    public static GuidanceResponse measure(DoubleFunction<LatentGenerator> student, DoubleFunction<LatentGenerator> teacher,
            double low, double high, int samples, long seed, long[] latentShape, NDManager root) {
        GuidanceScales.check("the low guidance scale", low);
        GuidanceScales.check("the high guidance scale", high);
        if (low == high) {
            throw new IllegalArgumentException("the two guidance scales must differ, both are " + low);
        }
        if (samples < 1) {
            throw new IllegalArgumentException("samples must be at least 1, got " + samples);
        }
        return of(low, high, samples, move(student, low, high, samples, seed, latentShape, root),
                move(teacher, low, high, samples, seed, latentShape, root));
    }

    /** One generator's move from {@code low} to {@code high} (the teacher's can be measured once and kept). */
    public static Move move(DoubleFunction<LatentGenerator> generator, double low, double high, int samples, long seed,
            long[] latentShape, NDManager root) {
        int per = Math.toIntExact(latentShape[0] * latentShape[1] * latentShape[2]);
        float[] atLow = latents(generator.apply(low), samples, seed, latentShape, root);
        float[] atHigh = latents(generator.apply(high), samples, seed, latentShape, root);
        return new Move(meanDistance(atHigh, atLow, per), meanDistance(atLow, null, per));
    }

    /** The response from the two moves. */
    public static GuidanceResponse of(double low, double high, int samples, Move student, Move teacher) {
        return new GuidanceResponse(low, high, samples, student.distance(), teacher.distance(), student.size(),
                teacher.size());
    }

    private static float[] latents(LatentGenerator g, int samples, long seed, long[] latentShape, NDManager root) {
        return GeneratedSet.latents(g, samples, seed, Scorer.BATCH, latentShape, root);
    }

    /** mean_i ‖a_i − b_i‖₂ over consecutive blocks of {@code per} values ({@code b} null: mean_i ‖a_i‖₂). */
    static double meanDistance(float[] a, float[] b, int per) {
        int n = a.length / per;
        double total = 0;
        for (int i = 0; i < n; i++) {
            double sq = 0;
            for (int k = i * per; k < (i + 1) * per; k++) {
                double d = b == null ? a[k] : (double) a[k] - b[k];
                sq += d * d;
            }
            total += Math.sqrt(sq);
        }
        return total / n;
    }
}
