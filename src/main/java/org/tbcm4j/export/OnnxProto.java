package org.tbcm4j.export;

import com.google.protobuf.CodedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/**
 * The few ONNX protobuf messages an exported generator needs, written with protobuf-java's wire encoder.
 * Field numbers and enum values are those of onnx.proto (ModelProto, GraphProto, NodeProto,
 * AttributeProto, TensorProto, ValueInfoProto, TypeProto, TensorShapeProto); no generated classes are
 * needed for this small a subset.
 */
final class OnnxProto {
    /** TensorProto.DataType. */
    static final int FLOAT = 1;
    static final int INT64 = 7;
    /** IR version 8 goes with opset 17 (onnx 1.12). */
    static final long IR_VERSION = 8;

    private OnnxProto() {}

    /** A message's bytes, written by {@code body}. */
    private static byte[] message(Body body) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        CodedOutputStream out = CodedOutputStream.newInstance(bytes);
        try {
            body.write(out);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    @FunctionalInterface
    private interface Body {
        void write(CodedOutputStream out) throws IOException;
    }

    /** TensorProto of float32 values, little-endian in raw_data. */
    static byte[] floatTensor(String name, long[] dims, float[] values) {
        ByteBuffer raw = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        raw.asFloatBuffer().put(values);
        return tensor(name, dims, FLOAT, raw.array());
    }

    static byte[] int64Tensor(String name, long[] dims, long[] values) {
        ByteBuffer raw = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        raw.asLongBuffer().put(values);
        return tensor(name, dims, INT64, raw.array());
    }

    private static byte[] tensor(String name, long[] dims, int dataType, byte[] raw) {
        return message(out -> {
            for (long d : dims) {
                out.writeInt64(1, d);
            }
            out.writeInt32(2, dataType);
            out.writeString(8, name);
            out.writeByteArray(9, raw);
        });
    }

    /** ValueInfoProto of a tensor; each dim is a Number (fixed) or a String (a named, free dimension). */
    static byte[] valueInfo(String name, int elemType, Object... dims) {
        byte[] shape = message(out -> {
            for (Object d : dims) {
                out.writeByteArray(1, message(dim -> {
                    if (d instanceof Number n) {
                        dim.writeInt64(1, n.longValue());
                    } else {
                        dim.writeString(2, (String) d);
                    }
                }));
            }
        });
        byte[] tensorType = message(out -> {
            out.writeInt32(1, elemType);
            out.writeByteArray(2, shape);
        });
        byte[] type = message(out -> out.writeByteArray(1, tensorType));
        return message(out -> {
            out.writeString(1, name);
            out.writeByteArray(2, type);
        });
    }

    /** AttributeProto of one int (type INT = 2). */
    static byte[] intAttribute(String name, long value) {
        return message(out -> {
            out.writeString(1, name);
            out.writeInt64(3, value);
            out.writeInt32(20, 2);
        });
    }

    /** AttributeProto of one float (type FLOAT = 1). */
    static byte[] floatAttribute(String name, float value) {
        return message(out -> {
            out.writeString(1, name);
            out.writeFloat(2, value);
            out.writeInt32(20, 1);
        });
    }

    /** AttributeProto of ints (type INTS = 7). */
    static byte[] intsAttribute(String name, long... values) {
        return message(out -> {
            out.writeString(1, name);
            for (long v : values) {
                out.writeInt64(8, v);
            }
            out.writeInt32(20, 7);
        });
    }

    static byte[] node(String opType, String name, List<String> inputs, List<String> outputs, List<byte[]> attributes) {
        return message(out -> {
            for (String i : inputs) {
                out.writeString(1, i);
            }
            for (String o : outputs) {
                out.writeString(2, o);
            }
            out.writeString(3, name);
            out.writeString(4, opType);
            for (byte[] a : attributes) {
                out.writeByteArray(5, a);
            }
        });
    }

    static byte[] graph(String name, List<byte[]> nodes, List<byte[]> initializers, List<byte[]> inputs,
            List<byte[]> outputs) {
        return message(out -> {
            for (byte[] n : nodes) {
                out.writeByteArray(1, n);
            }
            out.writeString(2, name);
            for (byte[] t : initializers) {
                out.writeByteArray(5, t);
            }
            for (byte[] i : inputs) {
                out.writeByteArray(11, i);
            }
            for (byte[] o : outputs) {
                out.writeByteArray(12, o);
            }
        });
    }

    static byte[] model(byte[] graph, long opset, String producer, String producerVersion) {
        byte[] opsetImport = message(out -> {
            out.writeString(1, "");
            out.writeInt64(2, opset);
        });
        return message(out -> {
            out.writeInt64(1, IR_VERSION);
            out.writeString(2, producer);
            out.writeString(3, producerVersion);
            out.writeByteArray(7, graph);
            out.writeByteArray(8, opsetImport);
        });
    }
}
