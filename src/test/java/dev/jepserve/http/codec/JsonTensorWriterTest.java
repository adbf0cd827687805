package dev.jepserve.http.codec;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.jepserve.inference.BytesElements;
import dev.jepserve.inference.DataType;
import dev.jepserve.inference.Tensor;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The elements written straight to the stream must be the text Jackson's generator wrote for them, value by value. */
class JsonTensorWriterTest {
    private static final List<DataType> NUMERIC = List.of(DataType.BOOL, DataType.UINT8, DataType.UINT16,
            DataType.UINT32, DataType.UINT64, DataType.INT8, DataType.INT16, DataType.INT32, DataType.INT64,
            DataType.FP32, DataType.FP64);

    private static String written(Tensor tensor) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator gen = JsonSupport.WRITER_FACTORY.createGenerator(out)) {
            JsonTensorWriter.writeData(gen, out, tensor);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** One generator call per element, as the writer did before it formatted numbers itself. */
    private static String generated(Tensor tensor) {
        ByteBuffer data = tensor.data().order(ByteOrder.LITTLE_ENDIAN);
        int count = (int) tensor.elementCount();
        return new String(JsonSupport.write(gen -> {
            gen.writeStartArray();
            for (int i = 0; i < count; i++) {
                switch (tensor.dataType()) {
                    case BOOL -> gen.writeBoolean(data.get(i) != 0);
                    case UINT8 -> gen.writeNumber(Byte.toUnsignedInt(data.get(i)));
                    case UINT16 -> gen.writeNumber(Short.toUnsignedInt(data.getShort(i * 2)));
                    case UINT32 -> gen.writeNumber(Integer.toUnsignedLong(data.getInt(i * 4)));
                    case UINT64 -> gen.writeNumber(Long.toUnsignedString(data.getLong(i * 8)));
                    case INT8 -> gen.writeNumber(data.get(i));
                    case INT16 -> gen.writeNumber(data.getShort(i * 2));
                    case INT32 -> gen.writeNumber(data.getInt(i * 4));
                    case INT64 -> gen.writeNumber(data.getLong(i * 8));
                    case FP32 -> gen.writeNumber((double) data.getFloat(i * 4));
                    case FP64 -> gen.writeNumber(data.getDouble(i * 8));
                    default -> throw new IllegalArgumentException();
                }
            }
            gen.writeEndArray();
        }), StandardCharsets.UTF_8);
    }

    private static Tensor tensor(DataType type, byte[] bytes) {
        return new Tensor("T", type, new long[] {bytes.length / type.byteSize()}, ByteBuffer.wrap(bytes));
    }

    /** Random bits include NaN and Infinity patterns, which JSON output refuses: replaced by zeros. */
    private static byte[] finiteOnly(DataType type, byte[] bytes) {
        ByteBuffer values = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; type == DataType.FP32 && i < bytes.length; i += 4) {
            if (!Float.isFinite(values.getFloat(i))) {
                values.putFloat(i, 0f);
            }
        }
        for (int i = 0; type == DataType.FP64 && i < bytes.length; i += 8) {
            if (!Double.isFinite(values.getDouble(i))) {
                values.putDouble(i, 0d);
            }
        }
        return bytes;
    }

    @Test
    void everyTypeAsTheGeneratorWroteItAcrossManyChunks() throws IOException {
        Random random = new Random(11);
        for (DataType type : NUMERIC) {
            byte[] bytes = new byte[20_000 * type.byteSize()]; // several 32 KiB chunks of text
            random.nextBytes(bytes);
            if (type == DataType.FP32 || type == DataType.FP64) { // ordinary magnitudes too, not only random bits
                ByteBuffer values = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
                for (int i = 0; i < 10_000; i++) {
                    double v = random.nextGaussian() * Math.pow(10, random.nextInt(16) - 8);
                    if (type == DataType.FP32) {
                        values.putFloat(i * 4, (float) v);
                    } else {
                        values.putDouble(i * 8, v);
                    }
                }
            }
            Tensor tensor = tensor(type, finiteOnly(type, bytes));
            assertThat(written(tensor)).as(type.protocolName()).isEqualTo(generated(tensor));
        }
    }

    @Test
    void extremesOfEveryType() throws IOException {
        for (DataType type : NUMERIC) {
            for (byte fill : new byte[] {0, (byte) 0x80, (byte) 0xff, 0x7f}) {
                byte[] bytes = new byte[3 * type.byteSize()];
                Arrays.fill(bytes, fill);
                Tensor tensor = tensor(type, bytes);
                if (!JsonTensorWriter.canCarry(tensor)) {
                    // all-ones bits are NaN: never written as a bare literal
                    assertThatThrownBy(() -> written(tensor)).hasMessageContaining("NaN or Infinity");
                    continue;
                }
                assertThat(written(tensor)).isEqualTo(generated(tensor));
            }
        }
    }

    @Test
    void theSizeHintBoundsFloatsAndBooleansAndLeavesTheRestToGrow() throws IOException {
        ByteBuffer longest = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN)
                .putDouble(-Double.MIN_NORMAL).putDouble(-Double.MIN_VALUE).putDouble(-1.2345678901234567E-100).flip();
        Tensor doubles = new Tensor("D", DataType.FP64, new long[] {3}, longest);
        Tensor floats = tensor(DataType.FP32, ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN)
                .putFloat(-Float.MIN_VALUE).putFloat(-1.1754942E-38f).array());
        Tensor booleans = tensor(DataType.BOOL, new byte[] {0, 0, 0});
        for (Tensor tensor : List.of(doubles, floats, booleans)) {
            assertThat((long) written(tensor).length()).isLessThanOrEqualTo(JsonTensorWriter.sizeHint(tensor));
        }
        assertThat(JsonTensorWriter.sizeHint(tensor(DataType.INT64, new byte[16]))).isZero();
        assertThat(JsonTensorWriter.sizeHint(new Tensor("S", DataType.BYTES, new long[] {1},
                BytesElements.build(List.of(new byte[3]))))).isZero();
    }

    @Test
    void elementsLandBetweenWhatTheGeneratorWritesAroundThem() throws IOException {
        Tensor ints = new Tensor("I", DataType.INT32, new long[] {2},
                ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putInt(-7).putInt(42).flip());
        Tensor strings = new Tensor("S", DataType.BYTES, new long[] {1},
                BytesElements.build(List.of("x".getBytes(StandardCharsets.UTF_8))));
        Tensor empty = new Tensor("E", DataType.FP32, new long[] {0}, ByteBuffer.allocate(0));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator gen = JsonSupport.WRITER_FACTORY.createGenerator(out)) {
            gen.writeStartObject();
            gen.writeStringField("before", "b");
            gen.writeFieldName("ints");
            JsonTensorWriter.writeData(gen, out, ints);
            gen.writeFieldName("strings");
            JsonTensorWriter.writeData(gen, out, strings);
            gen.writeFieldName("empty");
            JsonTensorWriter.writeData(gen, out, empty);
            gen.writeNumberField("after", 1);
            gen.writeEndObject();
        }
        assertThat(out.toString(StandardCharsets.UTF_8))
                .isEqualTo("{\"before\":\"b\",\"ints\":[-7,42],\"strings\":[\"x\"],\"empty\":[],\"after\":1}");
    }
}
