package org.tbcm4j.model;

import ai.djl.ndarray.NDArray;
import java.util.Arrays;
import java.util.List;
import org.tbcm4j.nn.Arith;
import org.tbcm4j.nn.Dual;
import org.tbcm4j.nn.ShapeOps;
import org.tbcm4j.nn.Tensors;
import org.tbcm4j.trigflow.FlowModel;
import org.tbcm4j.trigflow.FlowToTrigFlow;
import org.tbcm4j.trigflow.TrigFlowModel;

/**
 * Classifier-free guidance of a class-conditional flow DiT, in TrigFlow form. With guidance scale w,
 * v = v_null + w·(v_class − v_null): w = 1 is the plain conditional model (one pass), w = 0 the
 * unconditional one; otherwise both passes run as one batch of 2B. Guidance on v equals guidance on F,
 * since the flow→TrigFlow conversion is affine in v.
 */
public final class Guidance {
    private Guidance() {}

    /** The teacher's TrigFlow F for classes [B] at guidance scale w. */
    public static TrigFlowModel trigFlow(DiT dit, NDArray classes, double w) {
        return FlowToTrigFlow.wrap(flow(dit, classes, w));
    }

    /** Guidance with a scale per sample, w [B] (each TBCM prompt draws its own). */
    public static TrigFlowModel trigFlow(DiT dit, NDArray classes, NDArray w) {
        NDArray nulls = nullClasses(classes, dit.nullClass());
        NDArray both = classes.concat(nulls, 0);
        FlowModel flow = (x, tau) -> {
            Dual v = dit.forward(ShapeOps.concat(List.of(x, x), 0), ShapeOps.concat(List.of(tau, tau), 0), both);
            List<Dual> halves = ShapeOps.split(v, 2, 0);
            Dual difference = Arith.sub(halves.get(0), halves.get(1));
            Dual scale = Dual.of(org.tbcm4j.trigflow.TrigFlow.perSample(w, difference.value()));
            return Arith.add(halves.get(1), Arith.mul(difference, scale));
        };
        return FlowToTrigFlow.wrap(flow);
    }

    /** The guided flow velocity for classes [B]. */
    public static FlowModel flow(DiT dit, NDArray classes, double w) {
        if (!(w >= 0) || !Double.isFinite(w)) {
            throw new IllegalArgumentException("the guidance scale must be at least 0, got " + w);
        }
        long batch = classes.getShape().get(0);
        NDArray nulls = nullClasses(classes, dit.nullClass());
        if (w == 1.0) {
            return (x, tau) -> dit.forward(x, tau, classes);
        }
        if (w == 0.0) {
            return (x, tau) -> dit.forward(x, tau, nulls);
        }
        NDArray both = classes.concat(nulls, 0);
        return (x, tau) -> {
            Dual v = dit.forward(ShapeOps.concat(List.of(x, x), 0), ShapeOps.concat(List.of(tau, tau), 0), both);
            List<Dual> halves = ShapeOps.split(v, 2, 0);
            Dual conditional = halves.get(0);
            Dual unconditional = halves.get(1);
            assert conditional.shape().get(0) == batch;
            return Arith.add(unconditional, Arith.scale(Arith.sub(conditional, unconditional), w));
        };
    }

    private static NDArray nullClasses(NDArray classes, int nullClass) {
        long[] ids = new long[Math.toIntExact(classes.getShape().get(0))];
        Arrays.fill(ids, nullClass);
        return Tensors.classIds(classes.getManager(), ids);
    }
}
