package org.tbcm4j.util;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * Seeded randomness whose whole state is (seed, stream, counter): a stream of random numbers is
 * derived afresh from those three values, so a resumed run reproduces its draws from the step
 * number alone and no generator state needs to be saved. All noise is drawn here, in Java, rather
 * than from libtorch's global generator, which DJL cannot save or restore.
 */
public final class Rng {
    private final SplittableRandom random;

    private Rng(long mixedSeed) {
        this.random = new SplittableRandom(mixedSeed);
    }

    /** The generator for one (seed, stream, counter) triple; equal triples give equal draws. */
    public static Rng of(long seed, String stream, long counter) {
        long h = mix(seed ^ 0x9E3779B97F4A7C15L);
        for (byte b : stream.getBytes(StandardCharsets.UTF_8)) {
            h = mix(h ^ (b & 0xFF));
        }
        return new Rng(mix(h ^ mix(counter + 0x632BE59BD9B4E019L)));
    }

    /** A child generator for a sub-stream of this one, e.g. one parameter of a model. */
    public Rng fork() {
        return new Rng(random.nextLong());
    }

    public double uniform() {
        return random.nextDouble();
    }

    public double uniform(double lo, double hi) {
        return lo + (hi - lo) * random.nextDouble();
    }

    public double gaussian() {
        return random.nextGaussian();
    }

    public int nextInt(int bound) {
        return random.nextInt(bound);
    }

    public long nextLong() {
        return random.nextLong();
    }

    /** A uniformly random permutation of 0..n-1 (Fisher-Yates). */
    public int[] permutation(int n) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int tmp = p[i];
            p[i] = p[j];
            p[j] = tmp;
        }
        return p;
    }

    /** n independent N(0, std²) draws, in the order a tensor of n elements is filled. */
    public double[] gaussians(int n, double std) {
        double[] d = new double[n];
        for (int i = 0; i < n; i++) {
            d[i] = std * random.nextGaussian();
        }
        return d;
    }

    /** SplitMix64's finaliser: a bijective avalanche of 64 bits. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
