package org.tbcm4j.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.tbcm4j.nn.Dual;
import org.tbcm4j.nn.LocalBatchNorm;
import org.tbcm4j.nn.Module;
import org.tbcm4j.nn.Scalars;
import org.tbcm4j.nn.SpectralTokenConv;
import org.tbcm4j.trigflow.FlowToTrigFlow;

/**
 * LADD's discriminator (Sana-Sprint): the frozen teacher as feature extractor and one small trainable
 * head per hooked block. Only the heads are this module's parameters; the teacher is passed in on every
 * call, never owned, so nothing of it is saved, optimised or changed here. Time and class reach the heads
 * only through the teacher's features, as in the official heads (which have no conditioning of their own).
 * Each head, on the block's tokens [B, N, C]: a 1×1 convolution, a residual kernel-9 circular convolution
 * (sum scaled by 1/√2), each followed by local batch norm and LeakyReLU(0.2), then a 1×1 convolution to one
 * logit per token; the logits of all heads are concatenated, [B, heads·N].
 */
public final class Discriminator extends Module {
    private static final int RESIDUAL_KERNEL = 9;
    private static final double NEGATIVE_SLOPE = 0.2;
    private final int[] headBlockIds;
    private final List<Head> heads = new ArrayList<>();

    private static final class Head extends Module {
        private final SpectralTokenConv in;
        private final LocalBatchNorm inNorm;
        private final SpectralTokenConv residual;
        private final LocalBatchNorm residualNorm;
        private final SpectralTokenConv logit;

        Head(long hidden) {
            in = child("in", new SpectralTokenConv(hidden, hidden, 1));
            inNorm = child("in_norm", new LocalBatchNorm(hidden, 1e-5));
            residual = child("residual", new SpectralTokenConv(hidden, hidden, RESIDUAL_KERNEL));
            residualNorm = child("residual_norm", new LocalBatchNorm(hidden, 1e-5));
            logit = child("logit", new SpectralTokenConv(hidden, 1, 1));
        }

        NDArray forward(NDArray tokens, boolean training) {
            NDArray h = leakyRelu(inNorm.forward(in.forward(tokens, training)));
            NDArray r = leakyRelu(residualNorm.forward(residual.forward(h, training)));
            h = Scalars.mul(r.add(h), 1 / Math.sqrt(2));
            NDArray out = logit.forward(h, training);
            return out.reshape(out.getShape().get(0), -1);
        }
    }

    /** Heads on {@code headBlockIds} (ascending) of a teacher shaped as {@code teacher}. */
    public Discriminator(DiTConfig teacher, int[] headBlockIds) {
        if (headBlockIds.length == 0) {
            throw new IllegalArgumentException("the discriminator needs at least one head block");
        }
        this.headBlockIds = headBlockIds.clone();
        requireBlocksOf(teacher);
        for (int i = 0; i < headBlockIds.length; i++) {
            heads.add(child("heads." + i, new Head(teacher.hidden())));
        }
    }

    private void requireBlocksOf(DiTConfig teacher) {
        if (headBlockIds[headBlockIds.length - 1] >= teacher.depth()) {
            throw new IllegalArgumentException("head blocks " + Arrays.toString(headBlockIds) + " lie beyond the "
                    + "teacher's " + teacher.depth() + " blocks");
        }
    }

    public int[] headBlockIds() {
        return headBlockIds.clone();
    }

    /**
     * Logits [B, heads·N] for data-scale latents x [B, C, H, W] at TrigFlow times t [B] and classes [B], read
     * from {@code teacher}'s blocks through the same TrigFlow preconditioning the teacher is distilled with.
     * {@code training} advances the heads' spectral-norm power iterations (a discriminator update does;
     * the generator's adversarial loss does not, as torch's eval mode).
     */
    public NDArray logits(DiT teacher, NDArray x, NDArray t, NDArray classes, boolean training) {
        requireBlocksOf(teacher.config());
        FlowToTrigFlow.FlowInput in = FlowToTrigFlow.flowInput(x, t);
        List<Dual> features = teacher.blockTokens(Dual.of(in.x()), Dual.of(in.tau()), classes, headBlockIds);
        NDList logits = new NDList();
        for (int i = 0; i < heads.size(); i++) {
            logits.add(heads.get(i).forward(features.get(i).value(), training));
        }
        // DJL's concat of a single array returns a detached copy, which would cut the heads off the graph
        return logits.size() == 1 ? logits.head() : NDArrays.concat(logits, 1);
    }

    private static NDArray leakyRelu(NDArray x) {
        return x.maximum(Scalars.mul(x, NEGATIVE_SLOPE));
    }
}
