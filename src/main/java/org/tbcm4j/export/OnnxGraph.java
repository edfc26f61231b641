package org.tbcm4j.export;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * An ONNX graph being written, opset {@value #OPSET}: inputs, weights (initializers), nodes with fresh
 * output names, outputs. The layer emitters ({@link NetworkOnnx}) call the op helpers below, each one ONNX
 * operator as the ONNX operator specification defines it.
 */
public final class OnnxGraph {
    public static final long OPSET = 17;
    private final List<byte[]> nodes = new ArrayList<>();
    private final List<byte[]> initializers = new ArrayList<>();
    private final List<byte[]> inputs = new ArrayList<>();
    private final List<byte[]> outputs = new ArrayList<>();
    private final java.util.Set<String> weights = new java.util.HashSet<>();
    private int counter;

    /** A float32 input with the given dims (Long fixed, String named and free, e.g. "batch"). */
    public String floatInput(String name, Object... dims) {
        inputs.add(OnnxProto.valueInfo(name, OnnxProto.FLOAT, dims));
        return name;
    }

    public String int64Input(String name, Object... dims) {
        inputs.add(OnnxProto.valueInfo(name, OnnxProto.INT64, dims));
        return name;
    }

    public void floatOutput(String value, String name, Object... dims) {
        nodes.add(OnnxProto.node("Identity", "out_" + name, List.of(value), List.of(name), List.of()));
        outputs.add(OnnxProto.valueInfo(name, OnnxProto.FLOAT, dims));
    }

    /** A module's parameter as a float32 initializer named as in the checkpoint. */
    public String weight(String name, NDArray array) {
        if (!weights.add(name)) {
            return name;
        }
        float[] values;
        if (array.getDataType() == DataType.FLOAT32) {
            values = array.toFloatArray();
        } else {
            try (NDArray converted = array.toType(DataType.FLOAT32, true)) {
                values = converted.toFloatArray();
            }
        }
        initializers.add(OnnxProto.floatTensor(name, array.getShape().getShape(), values));
        return name;
    }

    public String constant(float[] values, long... dims) {
        String name = fresh("const");
        initializers.add(OnnxProto.floatTensor(name, dims, values));
        return name;
    }

    public String scalar(double value) {
        return constant(new float[] {(float) value});
    }

    public String int64s(long... values) {
        String name = fresh("shape");
        initializers.add(OnnxProto.int64Tensor(name, new long[] {values.length}, values));
        return name;
    }

    /** One node with one output; returns the output's name. */
    public String op(String type, List<byte[]> attributes, String... in) {
        String out = fresh(type.toLowerCase(java.util.Locale.ROOT));
        nodes.add(OnnxProto.node(type, out, Arrays.asList(in), List.of(out), attributes));
        return out;
    }

    public String op(String type, String... in) {
        return op(type, List.of(), in);
    }

    /** One node with several outputs (Split). */
    public List<String> ops(String type, int outputCount, List<byte[]> attributes, String... in) {
        List<String> outs = new ArrayList<>();
        for (int i = 0; i < outputCount; i++) {
            outs.add(fresh(type.toLowerCase(java.util.Locale.ROOT)));
        }
        nodes.add(OnnxProto.node(type, outs.get(0) + "_node", Arrays.asList(in), outs, attributes));
        return outs;
    }

    // The operators, one helper each.

    public String add(String a, String b) {
        return op("Add", a, b);
    }

    public String sub(String a, String b) {
        return op("Sub", a, b);
    }

    public String mul(String a, String b) {
        return op("Mul", a, b);
    }

    public String div(String a, String b) {
        return op("Div", a, b);
    }

    public String matmul(String a, String b) {
        return op("MatMul", a, b);
    }

    /** y = x·Wᵀ + b for a weight [out, in] stored as in the checkpoint (Gemm would need 2-D x). */
    public String linear(String x, String weight, String bias) {
        String y = matmul(x, op("Transpose", List.of(OnnxProto.intsAttribute("perm", 1, 0)), weight));
        return bias == null ? y : add(y, bias);
    }

    public String reshape(String x, long... shape) {
        return op("Reshape", x, int64s(shape));
    }

    public String transpose(String x, long... perm) {
        return op("Transpose", List.of(OnnxProto.intsAttribute("perm", perm)), x);
    }

    public String unsqueeze(String x, long... axes) {
        return op("Unsqueeze", x, int64s(axes));
    }

    public List<String> split(String x, int parts, long axis, long size) {
        long[] sizes = new long[parts];
        Arrays.fill(sizes, size);
        return ops("Split", parts, List.of(OnnxProto.intAttribute("axis", axis)), x, int64s(sizes));
    }

    public String concat(long axis, String... in) {
        return op("Concat", List.of(OnnxProto.intAttribute("axis", axis)), in);
    }

    public String sigmoid(String x) {
        return op("Sigmoid", x);
    }

    public String silu(String x) {
        return mul(x, sigmoid(x));
    }

    /** GELU with the exact error function (PyTorch's default): 0.5·x·(1 + erf(x/√2)). */
    public String gelu(String x) {
        String erf = op("Erf", div(x, scalar(Math.sqrt(2))));
        return mul(mul(x, scalar(0.5)), add(erf, scalar(1)));
    }

    public String softmax(String x, long axis) {
        return op("Softmax", List.of(OnnxProto.intAttribute("axis", axis)), x);
    }

    /** LayerNormalization over the last axis, without an affine transform (scale 1, bias 0). */
    public String layerNorm(String x, long width, double eps) {
        float[] ones = new float[(int) width];
        Arrays.fill(ones, 1f);
        return op("LayerNormalization", List.of(OnnxProto.intAttribute("axis", -1), OnnxProto.floatAttribute("epsilon",
                (float) eps)), x, constant(ones, width), constant(new float[(int) width], width));
    }

    /** RMSNorm over the last axis: x·(mean(x²) + eps)^(−1/2)·gamma. */
    public String rmsNorm(String x, String gamma, double eps) {
        String meanSquare = op("ReduceMean", List.of(OnnxProto.intsAttribute("axes", -1), OnnxProto.intAttribute(
                "keepdims", 1)), mul(x, x));
        String inverse = op("Reciprocal", op("Sqrt", add(meanSquare, scalar(eps))));
        return mul(mul(x, inverse), gamma);
    }

    /** Conv with a square kernel taken from the weight [out, in, k, k], symmetric padding. */
    public String conv(String x, String weight, String bias, long stride, long padding) {
        return op("Conv", List.of(OnnxProto.intsAttribute("strides", stride, stride),
                OnnxProto.intsAttribute("pads", padding, padding, padding, padding)), x, weight, bias);
    }

    /**
     * GroupNorm of [B, C, H, W] over groups of channels (biased variance), then per-channel gamma and beta
     * [C] (written out: GroupNormalization's scale changed meaning between opsets 18 and 21).
     */
    public String groupNorm(String x, int groups, long channels, long height, long width, String gamma, String beta,
            double eps) {
        String grouped = reshape(x, 0, groups, -1);
        String centred = sub(grouped, reduceMean(grouped, -1));
        String inverse = op("Reciprocal", op("Sqrt", add(reduceMean(mul(centred, centred), -1), scalar(eps))));
        String back = reshape(mul(centred, inverse), 0, channels, height, width);
        return add(mul(back, reshape(gamma, 1, channels, 1, 1)), reshape(beta, 1, channels, 1, 1));
    }

    /** Nearest-neighbour ×f upsampling of [B, C, H, W], each pixel repeated f×f times (exact, no Resize rounding rules). */
    public String upsampleNearest(String x, long channels, long height, long width, long f) {
        String spread = reshape(x, 0, channels, height, 1, width, 1);
        String repeated = op("Expand", spread, int64s(1, 1, 1, f, 1, f));
        return reshape(repeated, 0, channels, height * f, width * f);
    }

    public String clip(String x, double low, double high) {
        return op("Clip", x, scalar(low), scalar(high));
    }

    private String reduceMean(String x, long axis) {
        return op("ReduceMean", List.of(OnnxProto.intsAttribute("axes", axis), OnnxProto.intAttribute("keepdims", 1)), x);
    }

    public String gather(String table, String ids) {
        return op("Gather", List.of(OnnxProto.intAttribute("axis", 0)), table, ids);
    }

    /** The model file's bytes. */
    public byte[] toBytes(String name) {
        return OnnxProto.model(OnnxProto.graph(name, nodes, initializers, inputs, outputs), OPSET, "tbcm4j", "0.1.0");
    }

    private String fresh(String stem) {
        return stem + "_" + counter++;
    }
}
