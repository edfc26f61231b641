package org.tbcm4j.model;

import ai.djl.ndarray.NDArray;
import java.util.Arrays;
import java.util.Locale;
import org.tbcm4j.nn.NoGrad;
import org.tbcm4j.nn.Scalars;
import org.tbcm4j.nn.Tensors;
import org.tbcm4j.trigflow.ConsistencySampler;
import org.tbcm4j.trigflow.StudentSchedule;
import org.tbcm4j.trigflow.TrigFlow;
import org.tbcm4j.util.Rng;

/**
 * The student as a generator: the SCM few-step sampler (1 step; 2 steps through an intermediate time;
 * N steps evenly), with the guidance scale as an input, one network evaluation per step. Re-noising
 * draws come from (seed, step, sample index), so a sample does not depend on its batch.
 */
public final class StudentGenerator implements LatentGenerator {
    private final Student student;
    private final int steps;
    private final double guidance;
    private final double[] times;
    private final long seed;

    public StudentGenerator(Student student, int steps, double intermediate, double guidance, long seed) {
        this(student, StudentSchedule.times(steps, intermediate), guidance, seed);
    }

    /** Through the given times, T first and 0 last ({@link StudentSchedule}): one step per interval. */
    public StudentGenerator(Student student, double[] times, double guidance, long seed) {
        GuidanceScales.check("the guidance scale", guidance);
        this.student = student;
        this.steps = times.length - 1;
        this.guidance = guidance;
        this.times = times.clone();
        this.seed = seed;
    }

    @Override
    public int numClasses() {
        return student.config().backbone().numClasses();
    }

    @Override
    public NDArray generate(NDArray classes, NDArray noise, long[] sampleIndices) {
        return NoGrad.call(() -> {
            int b = sampleIndices.length;
            double[] w = new double[b];
            Arrays.fill(w, guidance);
            NDArray scales = Tensors.like(noise, w);
            NDArray x = ConsistencySampler.sample(student.trigFlow(classes, scales), Scalars.mul(noise, TrigFlow.SIGMA_D),
                    times, step -> renoise(noise, sampleIndices, step));
            return x;
        });
    }

    private NDArray renoise(NDArray like, long[] indices, int step) {
        int per = Math.toIntExact(like.size() / indices.length);
        float[] values = new float[Math.toIntExact(like.size())];
        for (int b = 0; b < indices.length; b++) {
            Rng rng = Rng.of(seed, "renoise-" + step, indices[b]);
            for (int k = 0; k < per; k++) {
                values[b * per + k] = (float) rng.gaussian();
            }
        }
        return Tensors.float32(like.getManager(), values, like.getShape().getShape()).toType(like.getDataType(), false);
    }

    @Override
    public int evaluationsPerSample() {
        return steps;
    }

    @Override
    public String describe() {
        return String.format(Locale.ROOT, "student, %d step%s, CFG %s", steps, steps == 1 ? "" : "s", guidance)
                + (steps > 1 ? " through " + java.util.Arrays.toString(java.util.Arrays.copyOfRange(times, 1, steps)) : "");
    }

}
