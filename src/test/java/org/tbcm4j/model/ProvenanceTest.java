package org.tbcm4j.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tbcm4j.testing.TinyFiles;
import org.tbcm4j.testing.WithManager;

/** A model's header is parsed once per version of its file, and a rewritten file is read again. */
class ProvenanceTest extends WithManager {
    @TempDir
    Path tmp;

    @Test
    void aFileIsParsedOnceAndARewriteIsSeen() throws Exception {
        Path ae = TinyFiles.autoencoder(tmp, m, 1);
        Files.createDirectories(tmp.resolve("a"));
        Files.createDirectories(tmp.resolve("b"));
        Path recording = TinyFiles.student(tmp.resolve("a"), m, 2, ae);
        Path plain = TinyFiles.student(tmp.resolve("b"), m, 3);
        Path model = tmp.resolve("model.safetensors");
        Files.copy(recording, model);
        Provenance first = Provenance.read(model);
        assertEquals(ae.toAbsolutePath().toString(), first.autoencoderFile());
        assertSame(first, Provenance.read(model), "the same file version is not parsed again");
        assertSame(first, Provenance.read(tmp.resolve(".").resolve("model.safetensors")), "one path, spelled twice");
        // replaced as our writers replace files (a new file renamed over the old): its new header is read
        Path next = tmp.resolve("model.safetensors.tmp");
        Files.copy(plain, next);
        Files.move(next, model, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        assertNull(Provenance.read(model).autoencoderFile());
    }
}
