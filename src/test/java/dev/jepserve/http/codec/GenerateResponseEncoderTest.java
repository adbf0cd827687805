package dev.jepserve.http.codec;

import dev.jepserve.inference.BytesElements;
import dev.jepserve.inference.DataType;
import dev.jepserve.inference.InferenceResponse;
import dev.jepserve.inference.Tensor;
import dev.jepserve.inference.TritonException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GenerateResponseEncoderTest {
    private static String encode(InferenceResponse response) {
        return new String(GenerateResponseEncoder.encode(response), StandardCharsets.UTF_8);
    }

    private static Tensor floats(String name, float... values) {
        ByteBuffer data = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float value : values) {
            data.putFloat(value);
        }
        return new Tensor(name, DataType.FP32, new long[] {values.length}, data.flip());
    }

    private static Tensor strings(String name, String... values) {
        return new Tensor(name, DataType.BYTES, new long[] {values.length}, BytesElements.build(
                java.util.Arrays.stream(values).map(v -> v.getBytes(StandardCharsets.UTF_8)).toList()));
    }

    @Test
    void aFlatObjectInKeyOrderWithSingleElementsAsScalars() {
        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put("tokens", 3L);
        parameters.put("done", true);
        parameters.put("score", 0.25);
        InferenceResponse response = new InferenceResponse("llm", "2", "q1", parameters, List.of(
                strings("text_output", "line\n\"quoted\""), floats("logits", 1.5f, -2f), floats("one", 0.1f),
                new Tensor("flag", DataType.BOOL, new long[] {1, 1}, ByteBuffer.wrap(new byte[] {1})),
                new Tensor("n", DataType.UINT64, new long[] {1}, ByteBuffer.allocate(8).putLong(-1L).flip())));
        assertThat(encode(response)).isEqualTo("{\"done\":true,\"flag\":true,\"id\":\"q1\",\"logits\":[1.5,-2.0],"
                + "\"model_name\":\"llm\",\"model_version\":\"2\",\"n\":18446744073709551615,\"one\":0.10000000149011612,"
                + "\"score\":0.25,\"text_output\":\"line\\n\\\"quoted\\\"\",\"tokens\":3}");
    }

    @Test
    void noIdWhenTheRequestHadNoneAndEmptyOrManyStringsAsArrays() {
        InferenceResponse response = new InferenceResponse("m", "1", "", Map.of(),
                List.of(strings("none"), strings("two", "a", "b")));
        assertThat(encode(response)).isEqualTo("{\"model_name\":\"m\",\"model_version\":\"1\",\"none\":[],"
                + "\"two\":[\"a\",\"b\"]}");
    }

    @Test
    void halfPrecisionHasNoJsonForm() {
        InferenceResponse response = new InferenceResponse("m", "1", "", Map.of(),
                List.of(new Tensor("h", DataType.FP16, new long[] {1}, ByteBuffer.allocate(2))));
        assertThatThrownBy(() -> encode(response)).isInstanceOf(TritonException.class)
                .hasMessageContaining("sending FP16 data via JSON is not supported");
    }

    @Test
    void anEventIsADataLineAndABlankLine() {
        ByteBuf event = ServerSentEvents.event("{\"a\":1}".getBytes(StandardCharsets.UTF_8), ByteBufAllocator.DEFAULT);
        try {
            assertThat(event.toString(StandardCharsets.UTF_8)).isEqualTo("data: {\"a\":1}\n\n");
        } finally {
            event.release();
        }
    }
}
