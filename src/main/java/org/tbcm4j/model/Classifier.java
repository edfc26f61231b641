package org.tbcm4j.model;

import ai.djl.ndarray.NDArray;
import org.tbcm4j.nn.Activations;
import org.tbcm4j.nn.Arith;
import org.tbcm4j.nn.Conv2d;
import org.tbcm4j.nn.Dual;
import org.tbcm4j.nn.GroupNorm;
import org.tbcm4j.nn.Linear;
import org.tbcm4j.nn.Module;

/**
 * The evaluation network: a small VGG-style CNN (three stages of conv–GN–SiLU, strided convs to
 * downsample, global average pooling) with a {@code featureDim}-wide penultimate layer. Its
 * features define the space in which FD, KID and precision/recall are measured.
 */
public final class Classifier extends Module {
    private final ClassifierConfig config;
    private final Conv2d[] convs;
    private final GroupNorm[] norms;
    private final Linear features;
    private final Linear head;

    public Classifier(ClassifierConfig c) {
        this.config = c;
        int[] ch = c.channels();
        // (in, out, stride) per conv: two convs per stage, the second of stages 1 and 2 halving the size.
        int[][] layout = {{c.imageChannels(), ch[0], 1}, {ch[0], ch[0], 1}, {ch[0], ch[1], 2}, {ch[1], ch[1], 1},
            {ch[1], ch[2], 2}, {ch[2], ch[2], 1}};
        convs = new Conv2d[layout.length];
        norms = new GroupNorm[layout.length];
        for (int i = 0; i < layout.length; i++) {
            convs[i] = child("conv" + i, new Conv2d(layout[i][0], layout[i][1], 3, layout[i][2], 1));
            norms[i] = child("norm" + i, new GroupNorm(c.groups(), layout[i][1], 1e-5));
        }
        features = child("features", new Linear(ch[2], c.featureDim(), true));
        head = child("head", new Linear(c.featureDim(), c.numClasses(), true));
    }

    public ClassifierConfig config() {
        return config;
    }

    /** Penultimate features [B, featureDim] of images [B, K, S, S] in [−1, 1]. */
    public NDArray features(NDArray images) {
        Dual h = Dual.of(images);
        for (int i = 0; i < convs.length; i++) {
            h = Activations.silu(norms[i].forward(convs[i].forward(h)));
        }
        Dual pooled = Arith.mean(h, new int[] {2, 3}, false);
        return Activations.silu(features.forward(pooled)).value();
    }

    /** Class logits [B, numClasses] from features. */
    public NDArray logits(NDArray features) {
        return head.forward(Dual.of(features)).value();
    }
}
