package org.tbcm4j.cli;

/**
 * configs/demo.yaml: what bin/tbcm demo distils and how it evaluates.
 *
 * @param distill the distillation config of the full demo
 * @param quickDistill the distillation config of --quick
 * @param teacherFewStep the teacher's best few-step setting (from the recorded table)
 * @param teacherReference the teacher at 16 steps
 * @param student guidance and 2-step intermediate time for the student's samples
 */
public record DemoRunConfig(String distill, String quickDistill, int samples, int quickSamples, long seed,
        TeacherSetting teacherFewStep, TeacherSetting teacherReference, StudentSetting student, String autoencoder,
        String classifier, String reference) {

    /** A teacher sampling setting. */
    public record TeacherSetting(int steps, double cfg, String sampler, double shift) {}

    /** The student's sampling setting. */
    public record StudentSetting(double cfg, double intermediate) {}

    public DemoRunConfig {
        if (samples < 20 || quickSamples < 20) {
            throw new IllegalArgumentException("samples and quick_samples must be at least 20");
        }
    }
}
