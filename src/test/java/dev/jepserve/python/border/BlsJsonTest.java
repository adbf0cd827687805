package dev.jepserve.python.border;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jepserve.inference.DataType;
import dev.jepserve.inference.InferenceResponse;
import dev.jepserve.inference.Tensor;
import dev.jepserve.inference.TritonCode;
import dev.jepserve.inference.TritonException;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class BlsJsonTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void readsTheRequestPythonWrites() {
        BlsRequestMessage message = BlsJson.readRequest("{\"model_name\": \"m\", \"model_version\": -1, \"id\": \"r\","
                + " \"correlation_id\": \"seq\", \"flags\": 1, \"timeout_us\": 500, \"parameters\": {\"p\": true,"
                + " \"n\": 3, \"s\": \"x\"}, \"requested_outputs\": [\"OUT\"], \"inputs\": [{\"name\": \"IN\","
                + " \"datatype\": 11, \"shape\": [2, 2], \"buffer\": 0}], \"decoupled\": true}");
        assertThat(message.modelName()).isEqualTo("m");
        assertThat(message.modelVersion()).isEqualTo(-1);
        assertThat(message.correlationId()).isEqualTo("seq");
        assertThat(message.parameters()).containsExactly(Map.entry("p", true), Map.entry("n", 3L), Map.entry("s", "x"));
        assertThat(message.requestedOutputs()).containsExactly("OUT");
        assertThat(message.inputs().get(0).shape()).containsExactly(2, 2);
        assertThat(message.decoupled()).isTrue();
    }

    @Test
    void writesAResponseAndAnError() throws Exception {
        Tensor out = new Tensor("OUT", DataType.fromCode(8), new long[] {1}, ByteBuffer.allocate(4));
        JsonNode response = JSON.readTree(BlsJson.writeResponse(
                new InferenceResponse("m", "1", "r", Map.of("k", 1L), List.of(out)), false));
        assertThat(response.path("final").asBoolean()).isFalse();
        assertThat(response.path("outputs").get(0).path("datatype").asInt()).isEqualTo(8);
        assertThat(response.path("parameters").path("k").asLong()).isEqualTo(1);
        assertThat(response.path("error").isNull()).isTrue();

        JsonNode error = JSON.readTree(BlsJson.writeError(new TritonException(TritonCode.NOT_FOUND, "gone"), true));
        assertThat(error.path("error").path("code").asInt()).isEqualTo(2); // pb_utils.TritonError.NOT_FOUND
        assertThat(error.path("error").path("message").asText()).isEqualTo("gone");
        assertThat(JSON.readTree(BlsJson.writeResponse(null, true)).path("outputs").size()).isZero();
    }
}
