package org.tbcm4j.experiment;

/**
 * configs/demo.yaml: what bin/tbcm demo distils and how it evaluates.
 *
 * @param distill the distillation config of the full demo
 * @param quickDistill the distillation config of --quick
 * @param teacherFewStep the teacher's best few-step setting (from the recorded table)
 * @param teacherReference the teacher at 16 steps
 * @param student guidance and 2-step intermediate time for the student's samples, and the other guidance
 *     scales its 1-step samples are also shown at
 */
public record DemoRunConfig(String distill, String quickDistill, int samples, int quickSamples, long seed,
        TeacherSetting teacherFewStep, TeacherSetting teacherReference, StudentSetting student, String autoencoder,
        String classifier, String reference) {

    /** A teacher sampling setting. */
    public record TeacherSetting(int steps, double cfg, String sampler, double shift) {}

    /**
     * The student's sampling setting; {@code guidanceSweep} (optional) lists more scales for its 1-step
     * samples, so the report shows whether it follows w as the teacher does.
     */
    public record StudentSetting(double cfg, double intermediate,
            @org.tbcm4j.util.OptionalKey java.util.List<Double> guidanceSweep) {
        public StudentSetting {
            guidanceSweep = guidanceSweep == null ? java.util.List.of() : java.util.List.copyOf(guidanceSweep);
            for (double w : guidanceSweep) {
                org.tbcm4j.model.GuidanceScales.check("student.guidance_sweep", w);
            }
        }
    }

    public DemoRunConfig {
        if (samples < 20 || quickSamples < 20) {
            throw new IllegalArgumentException("samples and quick_samples must be at least 20");
        }
    }
}
