package org.tbcm4j.model;

import ai.djl.ndarray.NDArray;
import org.tbcm4j.nn.Arith;
import org.tbcm4j.nn.Dual;
import org.tbcm4j.nn.Linear;
import org.tbcm4j.nn.Module;
import org.tbcm4j.nn.TimestepEmbedder;
import org.tbcm4j.trigflow.FlowToTrigFlow;
import org.tbcm4j.trigflow.TrigFlowModel;

/**
 * The one-step student (Sana-Sprint's SanaMSCM): a copy of the teacher's DiT whose time embedding gets
 * a guidance-scale embedding added (sinusoid of 0.1·w, MLP, last layer zero-initialised, so the fresh
 * student equals the teacher's conditional model for every w), and a logvar head, a Linear on that
 * summed embedding, for the sCM loss's adaptive weighting. w enters only as an embedding: one network
 * evaluation per sampling step.
 */
public final class Student extends Module {
    private final StudentConfig config;
    private final DiT backbone;
    private final TimestepEmbedder guidanceEmbedder;
    private final Linear logvarHead;

    public Student(StudentConfig c) {
        this.config = c;
        DiTConfig d = c.backbone();
        backbone = child("backbone", new DiT(d));
        guidanceEmbedder = child("cfg_embedder",
                new TimestepEmbedder(d.hidden(), d.frequencyDim(), c.guidanceInputScale(), 10000, true));
        logvarHead = child("logvar_linear", new Linear(d.hidden(), 1, true));
    }

    public StudentConfig config() {
        return config;
    }

    public DiT backbone() {
        return backbone;
    }

    /** Flow velocity for latents x [B, C, H, W], flow time τ [B], classes [B] and guidance scales w [B]. */
    public Dual velocity(Dual x, Dual tau, NDArray classes, NDArray w) {
        return backbone.forwardWithTimeEmbedding(x, embedding(tau, w), classes);
    }

    /**
     * The learned log-variance [B] at TrigFlow time t [B] and guidance w, from the same summed time and
     * guidance embedding the backbone sees (at flow time τ(t), as through the wrapper).
     */
    public NDArray logvar(NDArray t, NDArray w) {
        Dual tau = Dual.of(FlowToTrigFlow.flowTime(t));
        return logvarHead.forward(embedding(tau, w)).value().reshape(-1);
    }

    /** The student in TrigFlow form, F(x/σ_d, t), for fixed classes and guidance. */
    public TrigFlowModel trigFlow(NDArray classes, NDArray w) {
        return FlowToTrigFlow.wrap((x, tau) -> velocity(x, tau, classes, w));
    }

    private Dual embedding(Dual tau, NDArray w) {
        return Arith.add(backbone.timeEmbedding(tau), guidanceEmbedder.forward(Dual.of(w)));
    }
}
