package org.tbcm4j.trigflow;

import org.tbcm4j.nn.Dual;

/** A TrigFlow network: F(x_t/σ_d, t) for TrigFlow time t [B]. Conditioning is bound by the caller. */
@FunctionalInterface
public interface TrigFlowModel {
    Dual predict(Dual xOverSigma, Dual t);
}
