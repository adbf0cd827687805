package dev.jepserve.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jepserve.logging.LogController;
import dev.jepserve.logging.LogOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The generate extension over a real server: generate and generate_stream, on a plain and a decoupled model. */
class GenerateEndpointTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ExecutorService modelThreads;
    private StreamingModel streaming;
    private HttpServer server;
    private HttpClient client;
    private int port;

    @BeforeEach
    void start() throws Exception {
        modelThreads = Executors.newFixedThreadPool(2);
        streaming = new StreamingModel("streaming", modelThreads);
        FakeInferenceService service = new FakeInferenceService()
                .add(new EchoModel("flat", 1, EchoModel.config("flat", 0), modelThreads))
                .add(new EchoModel("batched", 1, EchoModel.config("batched", 8), modelThreads))
                .add(streaming);
        server = HttpServer.forInference(service, LogController.install(LogOptions.defaults()), new HttpServerOptions("127.0.0.1", 0, 1, 1 << 20));
        port = server.start().getPort();
        client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    }

    @AfterEach
    void stop() throws Exception {
        server.stop(5_000);
        modelThreads.shutdownNow();
    }

    private HttpResponse<String> post(String path, String body) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void generateMapsFieldsToInputsAndAnswersWithAFlatObject() throws Exception {
        HttpResponse<String> response = post("/v2/models/flat/generate",
                "{\"INPUT0\":[1,2.5,3,4],\"INPUT1\":\"hello\",\"temperature\":0.5,\"id\":\"r1\"}");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValue("application/json");
        assertThat(response.body()).isEqualTo("{\"OUTPUT0\":[1.0,2.5,3.0,4.0],\"OUTPUT1\":\"hello\",\"id\":\"r1\","
                + "\"model_name\":\"flat\",\"model_version\":\"1\",\"temperature\":0.5}");
    }

    @Test
    void aBatchingModelGetsABatchOfOneAndVersionsRoute() throws Exception {
        HttpResponse<String> response = post("/v2/models/batched/versions/1/generate",
                "{\"INPUT1\":[\"a\",\"b\"],\"parameters\":{\"INPUT0\":[1,2,3,4],\"top_k\":3}}");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(response.body()).get("OUTPUT1").toString()).isEqualTo("[\"a\",\"b\"]");
        assertThat(JSON.readTree(response.body()).get("top_k").asLong()).isEqualTo(3);
    }

    @Test
    void generateOnADecoupledModelNeedsExactlyOneResponse() throws Exception {
        HttpResponse<String> one = post("/v2/models/streaming/generate", "{\"PROMPT\":\"hi\"}");
        assertThat(one.statusCode()).isEqualTo(200);
        assertThat(one.body()).isEqualTo("{\"TEXT\":\"hi 0\",\"model_name\":\"streaming\",\"model_version\":\"1\"}");

        HttpResponse<String> oneThenEmptyFinal = post("/v2/models/streaming/generate",
                "{\"PROMPT\":\"hi\",\"empty_final\":true}");
        assertThat(oneThenEmptyFinal.statusCode()).isEqualTo(200);

        for (String body : new String[] {"{\"PROMPT\":\"hi\",\"responses\":2}", "{\"PROMPT\":\"hi\",\"responses\":0}"}) {
            HttpResponse<String> refused = post("/v2/models/streaming/generate", body);
            assertThat(refused.statusCode()).isEqualTo(400);
            assertThat(refused.body()).isEqualTo("{\"error\":\"generate expects model to produce exactly 1 response, "
                    + "use generate stream for model that generates various number of responses\"}");
        }
    }

    @Test
    void generateStreamWritesOneEventPerResponse() throws Exception {
        HttpResponse<String> response = post("/v2/models/streaming/generate_stream",
                "{\"PROMPT\":\"hi\",\"responses\":3}");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValue("text/event-stream; charset=utf-8");
        assertThat(response.headers().firstValue("transfer-encoding")).hasValue("chunked");
        assertThat(response.body()).isEqualTo(
                "data: {\"TEXT\":\"hi 0\",\"model_name\":\"streaming\",\"model_version\":\"1\"}\n\n"
                + "data: {\"TEXT\":\"hi 1\",\"model_name\":\"streaming\",\"model_version\":\"1\"}\n\n"
                + "data: {\"TEXT\":\"hi 2\",\"model_name\":\"streaming\",\"model_version\":\"1\"}\n\n");
    }

    @Test
    void anErrorMidStreamIsAnEventAndAnEmptyFinalAddsNone() throws Exception {
        HttpResponse<String> response = post("/v2/models/streaming/generate_stream",
                "{\"PROMPT\":\"hi\",\"responses\":3,\"fail_at\":1,\"empty_final\":true}");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo(
                "data: {\"TEXT\":\"hi 0\",\"model_name\":\"streaming\",\"model_version\":\"1\"}\n\n"
                + "data: {\"error\":\"failed at response 1\"}\n\n"
                + "data: {\"TEXT\":\"hi 2\",\"model_name\":\"streaming\",\"model_version\":\"1\"}\n\n");
    }

    @Test
    void theFirstAnswerSetsTheStatus() throws Exception {
        HttpResponse<String> failedFirst = post("/v2/models/streaming/generate_stream",
                "{\"PROMPT\":\"hi\",\"responses\":1,\"fail_at\":0}");
        assertThat(failedFirst.statusCode()).isEqualTo(500);
        assertThat(failedFirst.headers().firstValue("content-type")).hasValue("text/event-stream; charset=utf-8");
        assertThat(failedFirst.body()).isEqualTo("data: {\"error\":\"failed at response 0\"}\n\n");

        HttpResponse<String> none = post("/v2/models/streaming/generate_stream", "{\"PROMPT\":\"hi\",\"responses\":0}");
        assertThat(none.statusCode()).isEqualTo(200);
        assertThat(none.body()).isEmpty();
    }

    @Test
    void aRefusedRequestIsAPlainJsonError() throws Exception {
        HttpResponse<String> refused = post("/v2/models/streaming/generate_stream", "{\"PROMPT\":\"hi\",\"refuse\":true}");
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.headers().firstValue("content-type")).hasValue("application/json");
        assertThat(refused.body()).isEqualTo("{\"error\":\"refused on purpose\"}");

        HttpResponse<String> malformed = post("/v2/models/streaming/generate_stream", "{\"PROMPT\":");
        assertThat(malformed.headers().firstValue("content-type")).hasValue("application/json");
        assertThat(JSON.readTree(malformed.body()).get("error").asText()).startsWith("failed to parse the request JSON");

        HttpResponse<String> unknown = post("/v2/models/nope/generate_stream", "{}");
        assertThat(unknown.statusCode()).isEqualTo(404);
    }

    @Test
    void closingTheStreamCancelsTheRequest() throws Exception {
        byte[] body = "{\"PROMPT\":\"hi\",\"hold\":true}".getBytes(StandardCharsets.UTF_8);
        try (RawHttpConnection connection = new RawHttpConnection(port)) {
            connection.send("POST /v2/models/streaming/generate_stream HTTP/1.1\r\nHost: x\r\nContent-Length: "
                    + body.length + "\r\n\r\n", body);
            Thread.sleep(50); // let the request reach the model; cancellation is what is checked, not timing
        }
        assertThat(streaming.cancelled.await(10, TimeUnit.SECONDS)).as("the request was cancelled").isTrue();
        assertThat(post("/v2/models/flat/generate", "{\"INPUT0\":[1,2,3,4]}").statusCode()).isEqualTo(200);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (server.activeRequests() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(server.activeRequests()).isZero();
    }

    @Test
    void pipelinedRequestsAfterAStreamAreAnswered() throws Exception {
        byte[] body = "{\"PROMPT\":\"hi\",\"responses\":2}".getBytes(StandardCharsets.UTF_8);
        try (RawHttpConnection connection = new RawHttpConnection(port)) {
            connection.send("POST /v2/models/streaming/generate_stream HTTP/1.1\r\nHost: x\r\nContent-Length: "
                    + body.length + "\r\n\r\n", body);
            connection.send("GET /v2/health/live HTTP/1.1\r\nHost: x\r\n\r\n");
            RawHttpConnection.Reply stream = connection.readChunked();
            assertThat(stream.text()).startsWith("data: {\"TEXT\":\"hi 0\"").contains("data: {\"TEXT\":\"hi 1\"");
            assertThat(connection.read().status()).isEqualTo(200);
        }
    }
}
