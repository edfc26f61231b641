package org.tbcm4j.nn;

/** Linear → GELU → Linear, the transformer feed-forward block. */
public final class Mlp extends Module {
    private final Linear fc1;
    private final Linear fc2;

    public Mlp(long dim, long hidden) {
        this.fc1 = child("fc1", Linear.xavier(dim, hidden));
        this.fc2 = child("fc2", Linear.xavier(hidden, dim));
    }

    public Dual forward(Dual x) {
        return fc2.forward(Activations.gelu(fc1.forward(x)));
    }
}
