package org.tbcm4j.model;

import ai.djl.ndarray.NDArray;
import java.util.Locale;
import org.tbcm4j.nn.NoGrad;
import org.tbcm4j.nn.Scalars;
import org.tbcm4j.trigflow.OdeSampler;
import org.tbcm4j.trigflow.TeacherSchedule;
import org.tbcm4j.trigflow.TrigFlow;

/** The teacher as a generator: an ODE solver over its guided TrigFlow field. */
public final class TeacherGenerator implements LatentGenerator {
    private final DiT dit;
    private final OdeSampler sampler;
    private final int steps;
    private final double guidance;
    private final double[] times;

    public TeacherGenerator(DiT dit, OdeSampler sampler, int steps, double guidance, double shift) {
        this.dit = dit;
        this.sampler = sampler;
        this.steps = steps;
        this.guidance = guidance;
        this.times = TeacherSchedule.times(steps, shift);
        GuidanceScales.check("the guidance scale", guidance);
    }

    @Override
    public int numClasses() {
        return dit.config().numClasses();
    }

    @Override
    public NDArray generate(NDArray classes, NDArray noise, long[] sampleIndices) {
        return NoGrad.call(() -> {
            NDArray x = sampler.sample(Guidance.trigFlow(dit, classes, guidance), Scalars.mul(noise, TrigFlow.SIGMA_D), times);
            return Scalars.div(x, TrigFlow.SIGMA_D);
        });
    }

    @Override
    public int evaluationsPerSample() {
        return steps * (guidance == 1.0 || guidance == 0.0 ? 1 : 2);
    }

    @Override
    public String describe() {
        return String.format(Locale.ROOT, "teacher, %s, %d steps, CFG %s",
                sampler == OdeSampler.FIRST_ORDER ? "first-order" : "DPM-Solver++(2M)", steps, guidance);
    }
}
