package org.tbcm4j.nn;

/** Adaptive layer-norm modulation: per-sample shift, scale and gate, broadcast over tokens. */
public final class AdaLn {
    private AdaLn() {}

    /** x·(1 + scale) + shift, with x [B, N, D] and shift, scale [B, D]. */
    public static Dual modulate(Dual x, Dual shift, Dual scale) {
        Dual onePlusScale = Arith.addScalar(ShapeOps.expandDims(scale, 1), 1.0);
        return Arith.add(Arith.mul(x, onePlusScale), ShapeOps.expandDims(shift, 1));
    }

    /** residual + gate·h, with gate [B, D] broadcast over tokens. */
    public static Dual gatedResidual(Dual residual, Dual gate, Dual h) {
        return Arith.add(residual, Arith.mul(h, ShapeOps.expandDims(gate, 1)));
    }
}
