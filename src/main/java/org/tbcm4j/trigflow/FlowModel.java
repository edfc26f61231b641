package org.tbcm4j.trigflow;

import org.tbcm4j.nn.Dual;

/**
 * A linear-flow (rectified flow) network as Sana trains it: x^fl = (1−τ)·y + τ·ε, predicting
 * v = ε − y at flow time τ ∈ [0, 1] [B]. Conditioning (class, guidance) is bound by the caller.
 */
@FunctionalInterface
public interface FlowModel {
    Dual velocity(Dual xFlow, Dual tau);
}
