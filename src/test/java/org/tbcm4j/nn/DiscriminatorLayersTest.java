package org.tbcm4j.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import org.ejml.simple.SimpleMatrix;
import org.junit.jupiter.api.Test;
import org.tbcm4j.testing.JvpCheck;
import org.tbcm4j.testing.WithManager;

/** The discriminator heads' layers against loops written out in Java doubles, and the power iteration against an SVD. */
class DiscriminatorLayersTest extends WithManager {
    private static double[] values(NDArray a) {
        return a.toType(DataType.FLOAT64, false).toDoubleArray();
    }

    @Test
    void tokenConvolutionIsCircularAndUsesTheSpectrallyNormalisedWeight() {
        int b = 2, n = 5, in = 3, out = 4, k = 3;
        SpectralTokenConv conv = new SpectralTokenConv(in, out, k);
        conv.initialize(m, DataType.FLOAT64, 7);
        NDArray x = JvpCheck.randn(m, 1, b, n, in);
        double[] y = values(conv.forward(x, false));
        double[] w = values(conv.parameters().get("weight").array());
        double[] bias = values(conv.parameters().get("bias").array());
        double[] u = values(conv.parameters().get("u").array());
        double[] v = values(conv.parameters().get("v").array());
        double[] xs = values(x);
        int fan = in * k;
        double sigma = 0;
        for (int o = 0; o < out; o++) {
            for (int f = 0; f < fan; f++) {
                sigma += u[o] * w[o * fan + f] * v[f];
            }
        }
        for (int s = 0; s < b; s++) {
            for (int t = 0; t < n; t++) {
                for (int o = 0; o < out; o++) {
                    double expected = bias[o];
                    for (int j = 0; j < k; j++) {
                        int source = Math.floorMod(t + j - k / 2, n);
                        for (int c = 0; c < in; c++) {
                            expected += w[o * fan + j * in + c] / sigma * xs[(s * n + source) * in + c];
                        }
                    }
                    assertEquals(expected, y[(s * n + t) * out + o], 1e-12, "sample " + s + " token " + t + " out " + o);
                }
            }
        }
    }

    @Test
    void thePowerIterationFindsTheLargestSingularValue() {
        SpectralTokenConv conv = new SpectralTokenConv(6, 5, 3);
        conv.initialize(m, DataType.FLOAT64, 3);
        NDArray x = JvpCheck.randn(m, 2, 2, 9, 6);
        for (int i = 0; i < 300; i++) {
            conv.forward(x, true);
        }
        NDArray w = conv.parameters().get("weight").array();
        double[] wv = values(w);
        SimpleMatrix matrix = new SimpleMatrix(5, 18, true, wv);
        double top = matrix.svd().getSingleValue(0);
        double sigma = values(conv.parameters().get("u").array().matMul(w.matMul(conv.parameters().get("v").array())))[0];
        assertEquals(top, sigma, 1e-9 * top);
        // and the weight it applies has spectral norm 1
        double[] normalized = values(w.div(sigma));
        assertEquals(1.0, new SimpleMatrix(5, 18, true, normalized).svd().getSingleValue(0), 1e-9);
    }

    @Test
    void localBatchNormNormalisesEachGroupOfSamplesPerChannel() {
        assertEquals(2, LocalBatchNorm.groups(12));
        assertEquals(3, LocalBatchNorm.groups(9));
        assertEquals(15, LocalBatchNorm.groups(120));
        assertEquals(30, LocalBatchNorm.groups(240));
        assertEquals(1, LocalBatchNorm.groups(5));
        int b = 12, n = 4, c = 3;
        LocalBatchNorm norm = new LocalBatchNorm(c, 1e-5);
        norm.initialize(m, DataType.FLOAT64, 1);
        norm.parameters().get("weight").set(m.create(new double[] {1.5, -0.5, 2.0}));
        norm.parameters().get("bias").set(m.create(new double[] {0.1, 0.2, -0.3}));
        NDArray x = JvpCheck.randn(m, 4, b, n, c);
        double[] xs = values(x);
        double[] y = values(norm.forward(x));
        double[] gamma = {1.5, -0.5, 2.0};
        double[] beta = {0.1, 0.2, -0.3};
        int per = b / 2;
        for (int g = 0; g < 2; g++) {
            for (int ch = 0; ch < c; ch++) {
                double sum = 0, sq = 0;
                for (int s = g * per; s < (g + 1) * per; s++) {
                    for (int t = 0; t < n; t++) {
                        sum += xs[(s * n + t) * c + ch];
                    }
                }
                double mean = sum / (per * n);
                for (int s = g * per; s < (g + 1) * per; s++) {
                    for (int t = 0; t < n; t++) {
                        double d = xs[(s * n + t) * c + ch] - mean;
                        sq += d * d;
                    }
                }
                double variance = sq / (per * n);
                for (int s = g * per; s < (g + 1) * per; s++) {
                    for (int t = 0; t < n; t++) {
                        int i = (s * n + t) * c + ch;
                        assertEquals((xs[i] - mean) / Math.sqrt(variance + 1e-5) * gamma[ch] + beta[ch], y[i], 1e-12);
                    }
                }
            }
        }
    }
}
