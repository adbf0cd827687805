package dev.jepserve.http.codec;

import dev.jepserve.config.proto.DataType;
import dev.jepserve.config.proto.ModelConfig;
import dev.jepserve.config.proto.ModelInput;
import dev.jepserve.inference.BytesElements;
import dev.jepserve.inference.InferenceRequest;
import dev.jepserve.inference.Tensor;
import dev.jepserve.inference.TritonException;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GenerateRequestDecoderTest {
    private final GenerateRequestDecoder decoder = new GenerateRequestDecoder(1 << 20);

    private static ModelConfig config(int maxBatchSize, ModelInput.Builder... inputs) {
        ModelConfig.Builder config = ModelConfig.newBuilder().setName("m").setMaxBatchSize(maxBatchSize);
        for (ModelInput.Builder input : inputs) {
            config.addInput(input);
        }
        return config.build();
    }

    private static ModelInput.Builder input(String name, DataType type, long... dims) {
        ModelInput.Builder input = ModelInput.newBuilder().setName(name).setDataType(type);
        for (long dim : dims) {
            input.addDims(dim);
        }
        return input;
    }

    private static final ModelConfig LLM = config(0, input("PROMPT", DataType.TYPE_STRING, 1),
            input("STREAM", DataType.TYPE_BOOL, 1), input("SCORES", DataType.TYPE_FP32, -1));

    private InferenceRequest decode(ModelConfig config, String json) {
        return decoder.decode("m", -1, config, Unpooled.wrappedBuffer(json.getBytes(StandardCharsets.UTF_8)));
    }

    private static List<String> strings(Tensor tensor) {
        return BytesElements.split(tensor.data()).stream().map(b -> new String(b, StandardCharsets.UTF_8)).toList();
    }

    @Test
    void fieldsNamedLikeInputsAreInputsTheRestParameters() {
        InferenceRequest request = decode(LLM, "{\"PROMPT\":\"hello\",\"STREAM\":true,\"SCORES\":[0.5,1,2],"
                + "\"id\":\"r7\",\"max_tokens\":16,\"temperature\":0.7,\"stop\":\"\\n\",\"echo\":false}");
        assertThat(request.id()).isEqualTo("r7");
        assertThat(request.inputs()).extracting(Tensor::name).containsExactly("PROMPT", "STREAM", "SCORES");
        assertThat(strings(request.input("PROMPT"))).containsExactly("hello");
        assertThat(request.input("PROMPT").shape()).containsExactly(1);
        assertThat(request.input("STREAM").data().get(0)).isEqualTo((byte) 1);
        Tensor scores = request.input("SCORES");
        assertThat(scores.shape()).containsExactly(3);
        assertThat(scores.data().order(ByteOrder.LITTLE_ENDIAN).getFloat(4)).isEqualTo(1f);
        assertThat(scores.data().isDirect()).isTrue();
        assertThat(request.parameters()).containsExactly(Map.entry("max_tokens", 16L), Map.entry("temperature", 0.7),
                Map.entry("stop", "\n"), Map.entry("echo", false));
        assertThat(request.requestedOutputs()).isEmpty();
    }

    @Test
    void theParametersObjectMayHoldInputsAndParameters() {
        InferenceRequest request = decode(LLM, "{\"PROMPT\":[\"a\"],\"parameters\":{\"STREAM\":false,\"top_k\":3}}");
        assertThat(request.inputs()).extracting(Tensor::name).containsExactly("PROMPT", "STREAM");
        assertThat(request.parameters()).containsExactly(Map.entry("top_k", 3L));
    }

    @Test
    void shapesAreFittedToTheModelsWithABatchOfOne() {
        ModelConfig batched = config(8, input("X", DataType.TYPE_INT32, 2, -1), input("Y", DataType.TYPE_INT64, 3));
        InferenceRequest request = decode(batched, "{\"X\":[1,2,3,4,5,6],\"Y\":[7,8,9]}");
        assertThat(request.input("X").shape()).containsExactly(1, 2, 3);
        assertThat(request.input("Y").shape()).containsExactly(1, 3);
        assertThat(GenerateShape.fit("Y", 6, List.of(3L), true)).containsExactly(2, 3);
        assertThat(GenerateShape.fit("Z", 5, List.of(3L), false)).as("left to validation").containsExactly(3);
        assertThatThrownBy(() -> decode(batched, "{\"X\":[1,2,3]}"))
                .hasMessage("unable to fit 3 elements of input 'X' into its shape [-1,2,-1]");
    }

    @Test
    void errorsUseTritonsTexts() {
        assertThatThrownBy(() -> decode(LLM, "{\"PROMPT\":123,\"STREAM\":false}"))
                .hasMessageContaining("attempt to access JSON non-string as string");
        assertThatThrownBy(() -> decode(LLM, "{\"STREAM\":123,\"PROMPT\":true}"))
                .hasMessageContaining("attempt to access JSON non-boolean as boolean");
        assertThatThrownBy(() -> decode(LLM, "{\"PROMPT\":{\"USER\":\"x\"}}"))
                .hasMessageContaining("attempt to access JSON non-string as string");
        assertThatThrownBy(() -> decode(LLM, "{\"PROMPT\":\"a\",\"STREAM\":false,\"PROMPT\":\"b\"}"))
                .hasMessage("input 'PROMPT' already exists in request");
        assertThatThrownBy(() -> decode(LLM, "{\"PROMPT\":\"a\",\"PARAMS\":{\"P\":0}}"))
                .hasMessageStartingWith("parameter 'PARAMS' has invalid type");
        assertThatThrownBy(() -> decode(LLM, "{\"PROMPT\":\"a\",\"parameters\":1}"))
                .hasMessage("Expected JSON object for keyword: 'parameters'");
        assertThatThrownBy(() -> decode(LLM, "{\"PROMPT\":\"a\",\"parameters\":{\"nested\":{\"twice\":1}}}"))
                .hasMessageStartingWith("Converting keyword: 'parameters': parameter 'nested' has invalid type.");
        assertThatThrownBy(() -> decode(LLM, "[1]")).isInstanceOf(TritonException.class)
                .hasMessage("generate request body must be a JSON object");
        assertThatThrownBy(() -> decode(LLM, "{\"PROMPT\":")).isInstanceOf(TritonException.class)
                .hasMessageStartingWith("failed to parse the request JSON buffer: ");
        assertThatThrownBy(() -> decode(config(0, input("H", DataType.TYPE_FP16, 1)), "{\"H\":1}"))
                .hasMessageContaining("receiving FP16 data via JSON is not supported");
    }

    @Test
    void inputsOverTheSizeLimitAreRefused() {
        GenerateRequestDecoder small = new GenerateRequestDecoder(8);
        assertThatThrownBy(() -> small.decode("m", -1, LLM,
                Unpooled.wrappedBuffer("{\"SCORES\":[1,2,3]}".getBytes(StandardCharsets.UTF_8))))
                .hasMessageContaining("--http-max-input-size");
    }
}
