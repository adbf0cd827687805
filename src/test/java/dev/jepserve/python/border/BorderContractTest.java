package dev.jepserve.python.border;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The Java side of the border contract: records write and read the fixtures the Python side uses too. */
class BorderContractTest {
    private static final Path FIXTURES = Path.of("python", "tests", "border");
    private static final ObjectMapper JSON = new ObjectMapper();

    private static String fixture(String name) throws IOException {
        return Files.readString(FIXTURES.resolve(name));
    }

    @Test
    void batchMessageWritesTheFixture() throws IOException {
        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put("temperature", 0.5);
        parameters.put("mode", "fast");
        parameters.put("n", 3L);
        parameters.put("stream", true);
        BatchMessage batch = new BatchMessage(41, List.of(
                new RequestMessage(42, "req-1", 7L, 1, 2000, parameters, List.of("OUTPUT0"),
                        List.of(new InputMessage("INPUT0", 11, new long[] {1, 4}, 0))),
                new RequestMessage(43, "", "session-a", 0, 0, Map.of(), List.of("OUTPUT0", "OUTPUT1"),
                        List.of(new InputMessage("INPUT0", 11, new long[] {2, 4}, 1),
                                new InputMessage("TEXT", 13, new long[] {1}, 2)))));
        assertThat(JSON.readTree(BorderJson.write(batch))).isEqualTo(JSON.readTree(fixture("batch.json")));
    }

    @Test
    void responseMessageReadsEveryField() throws IOException {
        ResponseMessage response = BorderJson.readResponse(fixture("response.json"));
        assertThat(response.request()).isEqualTo(42);
        assertThat(response.isFinal()).isFalse();
        assertThat(response.empty()).isFalse();
        assertThat(response.outputs()).hasSize(1);
        assertThat(response.outputs().get(0).name()).isEqualTo("OUTPUT0");
        assertThat(response.outputs().get(0).datatype()).isEqualTo(11);
        assertThat(response.outputs().get(0).shape()).containsExactly(1, 4);
        assertThat(response.parameters()).containsExactly(Map.entry("count", 2L), Map.entry("label", "cat"),
                Map.entry("done", false));
        assertThat(response.error()).isNull();
    }

    @Test
    void errorResponseReadsItsError() throws IOException {
        ResponseMessage response = BorderJson.readResponse(fixture("error_response.json"));
        assertThat(response.isFinal()).isTrue();
        assertThat(response.outputs()).isEmpty();
        assertThat(response.error()).isEqualTo(new ErrorMessage(3, "input was not valid"));
    }

    @Test
    void executionDoneReadsEveryField() throws IOException {
        assertThat(BorderJson.readExecutionDone(fixture("execution_done.json")))
                .isEqualTo(new ExecutionDoneMessage(41, 1500, 90000, 2500, true, List.of(38L, 39L)));
    }

    @Test
    void blsDirectCallReadsEveryField() throws IOException {
        BlsDirectCallMessage call = BlsJson.readDirectCall(fixture("bls_direct_call.json"));
        assertThat(call.inputByteSizes()).containsExactly(16, 16);
        BlsRequestMessage request = call.request();
        assertThat(request.modelName()).isEqualTo("add_sub");
        assertThat(request.modelVersion()).isEqualTo(-1);
        assertThat(request.id()).isEqualTo("bls-1");
        assertThat(request.correlationId()).isEqualTo(7L);
        assertThat(request.parameters()).containsExactly(Map.entry("mode", "fast"), Map.entry("n", 3L),
                Map.entry("flag", true));
        assertThat(request.requestedOutputs()).containsExactly("OUTPUT0");
        assertThat(request.inputs()).extracting(InputMessage::name).containsExactly("INPUT0", "INPUT1");
        assertThat(request.inputs().get(1).shape()).containsExactly(4);
        assertThat(request.inputs().get(1).buffer()).isEqualTo(1);
        assertThat(request.decoupled()).isFalse();
    }

    @Test
    void blsDirectStartWritesTheFixture() throws IOException {
        String json = BlsJson.writeDirectStart(new BlsDirectStartMessage(5, "add_sub_0_3", 42,
                List.of("OUTPUT0", "OUTPUT1"), null));
        assertThat(JSON.readTree(json)).isEqualTo(JSON.readTree(fixture("bls_direct_start.json")));
    }

    @Test
    void blsDirectDoneReadsEveryField() throws IOException {
        BlsDirectDoneMessage done = BlsJson.readDirectDone(fixture("bls_direct_done.json"));
        assertThat(done.call()).isEqualTo(5);
        assertThat(done.computeInputNanos()).isEqualTo(1500);
        assertThat(done.computeInferNanos()).isEqualTo(90000);
        assertThat(done.computeOutputNanos()).isEqualTo(2500);
        assertThat(done.outputByteSizes()).containsExactly(16, 0);
    }

    @Test
    void blsDirectAnswerWritesTheFixture() throws IOException {
        String json = BlsJson.writeDirectAnswer(new BlsDirectAnswerMessage(false, List.of("OUTPUT0"),
                new ErrorMessage(3, "unexpected inference output 'X'")));
        assertThat(JSON.readTree(json)).isEqualTo(JSON.readTree(fixture("bls_direct_answer.json")));
    }
}
