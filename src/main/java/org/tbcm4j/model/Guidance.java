package org.tbcm4j.model;

import ai.djl.ndarray.NDArray;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;
import org.tbcm4j.nn.Arith;
import org.tbcm4j.nn.Dual;
import org.tbcm4j.nn.ShapeOps;
import org.tbcm4j.nn.Tensors;
import org.tbcm4j.trigflow.FlowModel;
import org.tbcm4j.trigflow.FlowToTrigFlow;
import org.tbcm4j.trigflow.TrigFlow;
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
        return FlowToTrigFlow.wrap(guided(dit, classes,
                difference -> Arith.mul(difference, Dual.of(TrigFlow.perSample(w, difference.value())))));
    }

    /** The guided flow velocity for classes [B]. */
    public static FlowModel flow(DiT dit, NDArray classes, double w) {
        GuidanceScales.check("the guidance scale", w);
        if (w == 1.0) {
            return (x, tau) -> dit.forward(x, tau, classes);
        }
        if (w == 0.0) {
            NDArray nulls = nullClasses(classes, dit.nullClass());
            return (x, tau) -> dit.forward(x, tau, nulls);
        }
        return guided(dit, classes, difference -> Arith.scale(difference, w));
    }

    /** v_null + w·(v_class − v_null), both halves in one batch; {@code timesW} multiplies by w. */
    private static FlowModel guided(DiT dit, NDArray classes, UnaryOperator<Dual> timesW) {
        NDArray both = classes.concat(nullClasses(classes, dit.nullClass()), 0);
        return (x, tau) -> {
            Dual v = dit.forward(ShapeOps.concat(List.of(x, x), 0), ShapeOps.concat(List.of(tau, tau), 0), both);
            List<Dual> halves = ShapeOps.split(v, 2, 0);
            Dual conditional = halves.get(0);
            Dual unconditional = halves.get(1);
            return Arith.add(unconditional, timesW.apply(Arith.sub(conditional, unconditional)));
        };
    }

    private static NDArray nullClasses(NDArray classes, int nullClass) {
        long[] ids = new long[Math.toIntExact(classes.getShape().get(0))];
        Arrays.fill(ids, nullClass);
        return Tensors.classIds(classes.getManager(), ids);
    }
}
