package org.tbcm4j.nn;

import ai.djl.ndarray.NDArray;

/** A table of class embeddings with one extra row, the null class used for classifier-free guidance. */
public final class ClassEmbedder extends Module {
    private final Parameter table;
    private final int numClasses;

    public ClassEmbedder(int numClasses, long hidden) {
        this.numClasses = numClasses;
        this.table = parameter("embedding_table", Init.normal(0.02), numClasses + 1L, hidden);
    }

    /** The id of the null (unconditional) class. */
    public int nullClass() {
        return numClasses;
    }

    /** ids [B] in 0..numClasses (numClasses = null) → [B, hidden]. */
    public Dual forward(NDArray ids) {
        return EmbeddingOps.lookup(table.array(), ids);
    }
}
