package dev.jepserve.grpc;

import com.google.protobuf.ByteString;
import dev.jepserve.grpc.proto.InferTensorContents;
import dev.jepserve.inference.BytesElements;
import dev.jepserve.inference.DataType;
import dev.jepserve.inference.TritonException;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TypedContentsTest {
    private static ByteBuffer decode(DataType type, InferTensorContents contents) {
        return TypedContents.decode("IN", "m", type, contents);
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] copy = new byte[buffer.remaining()];
        buffer.duplicate().get(copy);
        return copy;
    }

    @Test
    void fp32ValuesBecomeLittleEndianFloatsInADirectBuffer() {
        ByteBuffer data = decode(DataType.FP32, InferTensorContents.newBuilder().addFp32Contents(1.5f)
                .addFp32Contents(-2f).build());
        assertThat(data.isDirect()).isTrue();
        assertThat(data.order()).isEqualTo(ByteOrder.LITTLE_ENDIAN);
        assertThat(data.remaining()).isEqualTo(8);
        assertThat(data.getFloat(0)).isEqualTo(1.5f);
        assertThat(data.getFloat(4)).isEqualTo(-2f);
    }

    @Test
    void smallIntegersAreNarrowedFromTheirWideFields() {
        assertThat(bytes(decode(DataType.INT8, InferTensorContents.newBuilder().addIntContents(-1)
                .addIntContents(5).build()))).containsExactly(0xff, 5);
        assertThat(bytes(decode(DataType.UINT16, InferTensorContents.newBuilder().addUintContents(0x1234).build())))
                .containsExactly(0x34, 0x12);
        assertThat(bytes(decode(DataType.BOOL, InferTensorContents.newBuilder().addBoolContents(true)
                .addBoolContents(false).build()))).containsExactly(1, 0);
    }

    @Test
    void smallIntegersOutsideTheirDatatypeAreRefused() {
        assertThatThrownBy(() -> decode(DataType.INT8, InferTensorContents.newBuilder().addIntContents(128).build()))
                .hasMessageContaining("unexpected value 128 in int_contents").hasMessageContaining("INT8");
        assertThatThrownBy(() -> decode(DataType.UINT16, InferTensorContents.newBuilder().addUintContents(65536)
                .build())).hasMessageContaining("unexpected value 65536 in uint_contents");
        assertThatThrownBy(() -> decode(DataType.UINT8, InferTensorContents.newBuilder().addUintContents(-1)
                .build())).hasMessageContaining("unexpected value 4294967295");
        assertThat(bytes(decode(DataType.INT16, InferTensorContents.newBuilder().addIntContents(-32768).build())))
                .containsExactly(0, 0x80);
    }

    @Test
    void int64AndFp64AndUint64() {
        assertThat(decode(DataType.INT64, InferTensorContents.newBuilder().addInt64Contents(-7).build()).getLong(0))
                .isEqualTo(-7);
        assertThat(decode(DataType.UINT64, InferTensorContents.newBuilder().addUint64Contents(-1L).build()).getLong(0))
                .isEqualTo(-1L);
        assertThat(decode(DataType.FP64, InferTensorContents.newBuilder().addFp64Contents(0.1).build()).getDouble(0))
                .isEqualTo(0.1);
    }

    @Test
    void bytesElementsGetTheirLengthPrefixes() {
        ByteBuffer data = decode(DataType.BYTES, InferTensorContents.newBuilder()
                .addBytesContents(ByteString.copyFromUtf8("ab")).addBytesContents(ByteString.EMPTY).build());
        assertThat(BytesElements.split(data)).extracting(element -> new String(element, StandardCharsets.UTF_8))
                .containsExactly("ab", "");
    }

    @Test
    void noValuesIsAnEmptyTensor() {
        assertThat(decode(DataType.FP32, InferTensorContents.getDefaultInstance()).remaining()).isZero();
    }

    @Test
    void theFieldMustMatchTheDatatype() {
        assertThatThrownBy(() -> decode(DataType.FP32, InferTensorContents.newBuilder().addInt64Contents(1).build()))
                .isInstanceOf(TritonException.class)
                .hasMessage("unexpected explicit tensor data for input tensor 'IN' for model 'm' of type 'INT64', "
                        + "expected datatype 'FP32'");
        // FP16 has no typed field: 32-bit floats are refused for it, as in Triton.
        assertThatThrownBy(() -> decode(DataType.FP16, InferTensorContents.newBuilder().addFp32Contents(1).build()))
                .hasMessageEndingWith("of type 'FP32', expected datatype 'FP16'");
    }

    @Test
    void onlyOneFieldMayCarryData() {
        assertThatThrownBy(() -> decode(DataType.INT32, InferTensorContents.newBuilder().addIntContents(1)
                .addAllFp32Contents(List.of(1f)).build()))
                .hasMessage("unexpected explicit tensor data for input tensor 'IN' for model 'm', binary data was "
                        + "already supplied.");
    }
}
