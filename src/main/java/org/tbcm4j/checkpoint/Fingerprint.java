package org.tbcm4j.checkpoint;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.tbcm4j.nn.Module;

/**
 * A short SHA-256 of a module's parameter names and bytes: ties reference statistics to one classifier, and a
 * diffusion model to the autoencoder whose latents it learned.
 */
public final class Fingerprint {
    private Fingerprint() {}

    public static String of(Module module) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            module.parameters().forEach((name, p) -> {
                sha.update(name.getBytes(StandardCharsets.UTF_8));
                sha.update(p.array().toByteArray());
            });
            return HexFormat.of().formatHex(sha.digest()).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
