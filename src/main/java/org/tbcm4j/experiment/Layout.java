package org.tbcm4j.experiment;

import java.nio.file.Path;
import org.tbcm4j.train.RunDirectory;

/**
 * Where an experiment keeps things under its out directory: runs/ARM/seed-S (the distillation's run
 * directory), results/ARM/seed-S.json (a run's result, written once, atomically, when it is complete),
 * results/teacher.json, logs/, and the summary files.
 */
public record Layout(Path out) {
    public RunDirectory run(String arm, long seed) {
        return new RunDirectory(out.resolve("runs").resolve(arm).resolve("seed-" + seed));
    }

    public Path result(String arm, long seed) {
        return out.resolve("results").resolve(arm).resolve("seed-" + seed + ".json");
    }

    public Path teacherResult() {
        return out.resolve("results").resolve("teacher.json");
    }

    public Path log(String arm, long seed) {
        return out.resolve("logs").resolve(arm + "-seed-" + seed + ".log");
    }

    public Path teacherLog() {
        return out.resolve("logs").resolve("teacher.log");
    }

    public Path file(String name) {
        return out.resolve(name);
    }
}
