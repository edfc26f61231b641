package org.tbcm4j.nn;

import ai.djl.ndarray.types.Shape;
import org.tbcm4j.util.Rng;

/** How a parameter's first values are drawn: a function of a seeded generator and the shape. */
@FunctionalInterface
public interface Init {
    double[] values(Rng rng, Shape shape);

    static Init zeros() {
        return (rng, shape) -> new double[Math.toIntExact(shape.size())];
    }

    static Init constant(double c) {
        return (rng, shape) -> {
            double[] v = new double[Math.toIntExact(shape.size())];
            java.util.Arrays.fill(v, c);
            return v;
        };
    }

    static Init ones() {
        return constant(1.0);
    }

    static Init normal(double std) {
        return (rng, shape) -> {
            double[] v = new double[Math.toIntExact(shape.size())];
            for (int i = 0; i < v.length; i++) {
                v[i] = std * rng.gaussian();
            }
            return v;
        };
    }

    static Init uniform(double bound) {
        return (rng, shape) -> {
            double[] v = new double[Math.toIntExact(shape.size())];
            for (int i = 0; i < v.length; i++) {
                v[i] = rng.uniform(-bound, bound);
            }
            return v;
        };
    }

    /** A standard normal vector scaled to unit length (a power iteration's starting vector). */
    static Init unitNormal() {
        return (rng, shape) -> {
            double[] v = normal(1.0).values(rng, shape);
            double norm = Math.sqrt(java.util.Arrays.stream(v).map(x -> x * x).sum());
            for (int i = 0; i < v.length; i++) {
                v[i] /= Math.max(norm, 1e-12);
            }
            return v;
        };
    }

    /** Glorot/Xavier uniform for a weight whose first axis is fan-out and the rest fan-in. */
    static Init xavierUniform() {
        return (rng, shape) -> {
            long fanOut = shape.get(0);
            long receptive = shape.size() / (shape.get(0) * shape.get(1));
            long fanIn = shape.get(1) * receptive;
            double bound = Math.sqrt(6.0 / (fanIn + fanOut * receptive));
            return uniform(bound).values(rng, shape);
        };
    }

    /** PyTorch's default for Linear/Conv weights and biases: U(−1/√fanIn, 1/√fanIn). */
    static Init fanInUniform(long fanIn) {
        return uniform(1.0 / Math.sqrt(fanIn));
    }
}
