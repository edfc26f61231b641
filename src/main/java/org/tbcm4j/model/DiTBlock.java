package org.tbcm4j.model;

import java.util.List;
import org.tbcm4j.nn.AdaLn;
import org.tbcm4j.nn.Dual;
import org.tbcm4j.nn.LayerNorm;
import org.tbcm4j.nn.Linear;
import org.tbcm4j.nn.Mlp;
import org.tbcm4j.nn.Module;
import org.tbcm4j.nn.MultiHeadAttention;

/**
 * A transformer block with adaLN-Zero: the conditioning gives per-sample shift, scale and gate for the
 * attention and feed-forward branches; the modulation layer starts at zero, so the block starts as
 * the identity.
 */
public final class DiTBlock extends Module {
    private final LayerNorm norm1;
    private final MultiHeadAttention attn;
    private final LayerNorm norm2;
    private final Mlp mlp;
    private final Linear adaLn;

    public DiTBlock(DiTConfig c) {
        norm1 = child("norm1", new LayerNorm(c.hidden(), false, 1e-6));
        attn = child("attn", new MultiHeadAttention(c.hidden(), c.heads(), c.attention(), c.qkNorm()));
        norm2 = child("norm2", new LayerNorm(c.hidden(), false, 1e-6));
        mlp = child("mlp", new Mlp(c.hidden(), Math.round(c.hidden() * c.mlpRatio())));
        adaLn = child("adaLN_modulation", Linear.zero(c.hidden(), 6L * c.hidden()));
    }

    /** x [B, N, H]; activatedCondition = SiLU(condition) [B, H]. */
    public Dual forward(Dual x, Dual activatedCondition) {
        List<Dual> m = org.tbcm4j.nn.ShapeOps.split(adaLn.forward(activatedCondition), 6, 1);
        Dual h = AdaLn.modulate(norm1.forward(x), m.get(0), m.get(1));
        x = AdaLn.gatedResidual(x, m.get(2), attn.forward(h));
        h = AdaLn.modulate(norm2.forward(x), m.get(3), m.get(4));
        return AdaLn.gatedResidual(x, m.get(5), mlp.forward(h));
    }
}
