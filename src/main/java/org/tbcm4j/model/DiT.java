package org.tbcm4j.model;

import ai.djl.ndarray.NDArray;
import java.util.List;
import org.tbcm4j.nn.AdaLn;
import org.tbcm4j.nn.Activations;
import org.tbcm4j.nn.Arith;
import org.tbcm4j.nn.ClassEmbedder;
import org.tbcm4j.nn.Dual;
import org.tbcm4j.nn.LayerNorm;
import org.tbcm4j.nn.Linear;
import org.tbcm4j.nn.Module;
import org.tbcm4j.nn.Parameter;
import org.tbcm4j.nn.Scoped;
import org.tbcm4j.nn.ShapeOps;
import org.tbcm4j.nn.TimestepEmbedder;

/**
 * A class-conditional latent diffusion transformer (DiT with adaLN-Zero). It maps latents x, a
 * continuous flow time τ ∈ [0, 1] and class ids to a velocity of the same shape as x. Every path,
 * including the time embedding, carries tangents, so its JVP in (x, τ) is exact.
 */
public final class DiT extends Module {
    private final DiTConfig config;
    private final Linear xEmbedder;
    private final Parameter posEmbed;
    private final TimestepEmbedder tEmbedder;
    private final ClassEmbedder yEmbedder;
    private final DiTBlock[] blocks;
    private final LayerNorm finalNorm;
    private final Linear finalAdaLn;
    private final Linear finalLinear;

    public DiT(DiTConfig c) {
        this.config = c;
        int grid = c.imageSize() / c.patchSize();
        long patchDim = (long) c.channels() * c.patchSize() * c.patchSize();
        xEmbedder = child("x_embedder", Linear.xavier(patchDim, c.hidden()));
        posEmbed = buffer("pos_embed", PositionalTable.sinCos2d(grid, c.hidden()), 1, c.tokens(), c.hidden());
        tEmbedder = child("t_embedder", new TimestepEmbedder(c.hidden(), c.frequencyDim(), c.timeScale(), 10000));
        yEmbedder = child("y_embedder", new ClassEmbedder(c.numClasses(), c.hidden()));
        blocks = new DiTBlock[c.depth()];
        for (int i = 0; i < c.depth(); i++) {
            blocks[i] = child("blocks." + i, new DiTBlock(c));
        }
        finalNorm = child("final_layer.norm", new LayerNorm(c.hidden(), false, 1e-6));
        finalAdaLn = child("final_layer.adaLN_modulation", Linear.zero(c.hidden(), 2L * c.hidden()));
        finalLinear = child("final_layer.linear", Linear.zero(c.hidden(), patchDim));
    }

    public DiTConfig config() {
        return config;
    }

    public int nullClass() {
        return yEmbedder.nullClass();
    }

    /** The embedding of flow time τ [B] alone, before conditioning is added. */
    public Dual timeEmbedding(Dual tau) {
        return tEmbedder.forward(tau);
    }

    /** Velocity for latents x [B, C, H, W], flow time τ [B] and class ids [B]. */
    public Dual forward(Dual x, Dual tau, NDArray classIds) {
        return forwardWithTimeEmbedding(x, timeEmbedding(tau), classIds);
    }

    /**
     * The same, given a time embedding to which extra conditioning (a guidance-scale embedding) may
     * already have been added.
     */
    public Dual forwardWithTimeEmbedding(Dual x, Dual timeEmbedding, NDArray classIds) {
        // The whole pass in one scope too: only its output outlives it (samplers call it many times per batch).
        return Scoped.call(() -> pass(x, timeEmbedding, classIds));
    }

    /**
     * The token states [B, N, hidden] that blocks {@code blockIds} (ascending, 0-based) output, for
     * velocity inputs x, flow time τ and classes: the features a discriminator built on this network
     * reads. The pass stops after the last of them, since nothing later is read.
     */
    public List<Dual> blockTokens(Dual x, Dual tau, NDArray classIds, int[] blockIds) {
        for (int i = 0; i < blockIds.length; i++) {
            if (blockIds[i] < 0 || blockIds[i] >= blocks.length || (i > 0 && blockIds[i] <= blockIds[i - 1])) {
                throw new IllegalArgumentException("block ids must be ascending in 0.." + (blocks.length - 1) + ", got "
                        + java.util.Arrays.toString(blockIds));
            }
        }
        List<Dual> read = new java.util.ArrayList<>();
        int[] next = {0};
        runBlocks(inputTokens(x), conditioning(timeEmbedding(tau), classIds), blockIds[blockIds.length - 1],
                (tokens, b) -> {
                    if (b == blockIds[next[0]]) {
                        read.add(tokens);
                        next[0]++;
                    }
                });
        return read;
    }

    /** Blocks 0..{@code last} on {@code tokens}, each in its own scope; every block's output is shown to {@code seen}. */
    private Dual runBlocks(Dual tokens, Dual activated, int last, java.util.function.ObjIntConsumer<Dual> seen) {
        for (int b = 0; b <= last; b++) {
            Dual in = tokens;
            DiTBlock block = blocks[b];
            tokens = Scoped.call(() -> block.forward(in, activated));
            seen.accept(tokens, b);
        }
        return tokens;
    }

    private Dual inputTokens(Dual x) {
        return Arith.add(xEmbedder.forward(ShapeOps.patchify(x, config.patchSize())), Dual.of(posEmbed.array()));
    }

    private Dual conditioning(Dual timeEmbedding, NDArray classIds) {
        return Activations.silu(Arith.add(timeEmbedding, yEmbedder.forward(classIds)));
    }

    private Dual pass(Dual x, Dual timeEmbedding, NDArray classIds) {
        Dual activated = conditioning(timeEmbedding, classIds);
        Dual tokens = runBlocks(inputTokens(x), activated, blocks.length - 1, (t, b) -> { });
        List<Dual> shiftScale = ShapeOps.split(finalAdaLn.forward(activated), 2, 1);
        Dual h = AdaLn.modulate(finalNorm.forward(tokens), shiftScale.get(0), shiftScale.get(1));
        Dual out = finalLinear.forward(h);
        return ShapeOps.unpatchify(out, config.patchSize(), config.channels(), config.imageSize(), config.imageSize());
    }
}
