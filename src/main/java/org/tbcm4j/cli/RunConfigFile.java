package org.tbcm4j.cli;

import org.tbcm4j.train.RunDirectory;
import org.tbcm4j.util.Json;

/** Saves the resolved config of a run next to its outputs. */
final class RunConfigFile {
    private RunConfigFile() {}

    static void save(RunDirectory dir, Object config) {
        try {
            RunDirectory.writeAtomically(dir.config(), Json.YAML.writeValueAsString(config));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise the run config", e);
        }
    }
}
