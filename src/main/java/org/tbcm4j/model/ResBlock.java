package org.tbcm4j.model;

import org.tbcm4j.nn.Activations;
import org.tbcm4j.nn.Arith;
import org.tbcm4j.nn.Conv2d;
import org.tbcm4j.nn.Dual;
import org.tbcm4j.nn.GroupNorm;
import org.tbcm4j.nn.Module;

/** GroupNorm → SiLU → conv3×3, twice, plus a skip (a 1×1 conv when the width changes). */
public final class ResBlock extends Module {
    private final GroupNorm norm1;
    private final Conv2d conv1;
    private final GroupNorm norm2;
    private final Conv2d conv2;
    private final Conv2d skip;

    public ResBlock(int in, int out, int groups) {
        norm1 = child("norm1", new GroupNorm(groups, in, 1e-6));
        conv1 = child("conv1", new Conv2d(in, out, 3, 1, 1));
        norm2 = child("norm2", new GroupNorm(groups, out, 1e-6));
        conv2 = child("conv2", new Conv2d(out, out, 3, 1, 1));
        skip = in == out ? null : child("skip", new Conv2d(in, out, 1, 1, 0));
    }

    public Dual forward(Dual x) {
        Dual h = conv1.forward(Activations.silu(norm1.forward(x)));
        h = conv2.forward(Activations.silu(norm2.forward(h)));
        return Arith.add(skip == null ? x : skip.forward(x), h);
    }
}
