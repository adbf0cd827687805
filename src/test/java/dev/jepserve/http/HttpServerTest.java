package dev.jepserve.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jepserve.config.ModelConfigJson;
import dev.jepserve.http.codec.InferRequestDecoder;
import dev.jepserve.logging.LogController;
import dev.jepserve.logging.LogOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

/** Starts a real HttpServer on a free port over a fake service and talks to it over sockets. */
class HttpServerTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ExecutorService modelThreads;
    private FakeInferenceService service;
    private GateModel gate;
    private HttpServer server;
    private HttpClient client;
    private int port;

    @BeforeEach
    void start() throws Exception {
        modelThreads = Executors.newFixedThreadPool(2);
        gate = new GateModel("gate");
        service = new FakeInferenceService()
                .add(new EchoModel("echo", 1, EchoModel.config("echo", 8), modelThreads))
                .add(new EchoModel("echo", 2, EchoModel.config("echo", 8), modelThreads))
                .add(new EchoModel("flat", 1, EchoModel.config("flat", 0), modelThreads))
                .add(new EchoModel("streamer", 1, EchoModel.decoupledConfig("streamer"), modelThreads))
                .add(gate);
        server = HttpServer.forInference(service, LogController.install(LogOptions.defaults()), new HttpServerOptions("127.0.0.1", 0, 2, 1 << 20));
        port = server.start().getPort();
        client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    }

    @AfterEach
    void stop() throws Exception {
        server.stop(5_000);
        modelThreads.shutdownNow();
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    private HttpResponse<byte[]> get(String path) throws Exception {
        return client.send(HttpRequest.newBuilder(uri(path)).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private HttpResponse<byte[]> post(String path, byte[] body, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (headers.length > 0) {
            request.headers(headers);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static String text(HttpResponse<byte[]> response) {
        return new String(response.body(), StandardCharsets.UTF_8);
    }

    private static void assertContentLength(HttpResponse<byte[]> response) {
        assertThat(response.headers().firstValueAsLong("content-length"))
                .hasValue(response.body().length);
    }

    // ---- health, metadata, ready, config ----------------------------------------------------------------

    @Test
    void healthEndpointsAnswerWithEmptyBodies() throws Exception {
        HttpResponse<byte[]> live = get("/v2/health/live");
        assertThat(live.statusCode()).isEqualTo(200);
        assertThat(live.body()).isEmpty();
        assertContentLength(live);

        service.ready = false;
        HttpResponse<byte[]> ready = get("/v2/health/ready");
        assertThat(ready.statusCode()).isEqualTo(400);
        assertThat(ready.body()).isEmpty();
    }

    @Test
    void serverMetadata() throws Exception {
        HttpResponse<byte[]> response = get("/v2");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValue("application/json");
        assertThat(text(response)).isEqualTo("{\"name\":\"triton\",\"version\":\"2.59.0\",\"extensions\":["
                + "\"classification\",\"sequence\",\"model_repository\",\"schedule_policy\",\"model_configuration\","
                + "\"binary_tensor_data\",\"parameters\",\"statistics\"]}");
        assertContentLength(response);
    }

    @Test
    void modelMetadataListsReadyVersionsAndBatchDimension() throws Exception {
        assertThat(text(get("/v2/models/echo"))).isEqualTo("{\"name\":\"echo\",\"versions\":[\"1\",\"2\"],"
                + "\"platform\":\"python\","
                + "\"inputs\":[{\"name\":\"INPUT0\",\"datatype\":\"FP32\",\"shape\":[-1,4]},"
                + "{\"name\":\"INPUT1\",\"datatype\":\"BYTES\",\"shape\":[-1,-1]}],"
                + "\"outputs\":[{\"name\":\"OUTPUT0\",\"datatype\":\"FP32\",\"shape\":[-1,4]},"
                + "{\"name\":\"OUTPUT1\",\"datatype\":\"BYTES\",\"shape\":[-1,-1]}]}");
        assertThat(JSON.readTree(get("/v2/models/echo/versions/1").body()).get("versions").toString())
                .isEqualTo("[\"1\"]");
        assertThat(JSON.readTree(get("/v2/models/flat").body()).at("/inputs/0/shape").toString()).isEqualTo("[4]");
    }

    @Test
    void unknownModelAndVersion() throws Exception {
        HttpResponse<byte[]> unknown = get("/v2/models/nope");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(text(unknown)).isEqualTo("{\"error\":\"Request for unknown model: 'nope' is not found\"}");

        HttpResponse<byte[]> version = get("/v2/models/echo/versions/9/config");
        assertThat(version.statusCode()).isEqualTo(404);
        assertThat(text(version)).isEqualTo("{\"error\":\"Request for unknown model: 'echo' version 9 is not found\"}");
    }

    @Test
    void modelReady() throws Exception {
        HttpResponse<byte[]> ready = get("/v2/models/echo/versions/2/ready");
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(ready.body()).isEmpty();
        assertThat(get("/v2/models/nope/ready").statusCode()).isEqualTo(404);
    }

    @Test
    void modelConfigIsTheRenderedConfig() throws Exception {
        HttpResponse<byte[]> response = get("/v2/models/echo/config");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(text(response)).isEqualTo(ModelConfigJson.toJson(EchoModel.config("echo", 8)));
    }

    // ---- routing errors -----------------------------------------------------------------------------------

    @Test
    void unknownPathsAndMethods() throws Exception {
        HttpResponse<byte[]> unknown = get("/v2/nothing");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(text(unknown)).isEqualTo("{\"error\":\"Not Found\"}");
        assertThat(get("/v2/models/echo/").statusCode()).isEqualTo(404);

        HttpResponse<byte[]> wrongMethod = get("/v2/models/echo/infer");
        assertThat(wrongMethod.statusCode()).isEqualTo(405);
        assertThat(text(wrongMethod)).isEqualTo("{\"error\":\"Method Not Allowed\"}");
        assertThat(post("/v2/health/live", new byte[0]).statusCode()).isEqualTo(405);
    }

    @Test
    void queryStringsAreIgnored() throws Exception {
        assertThat(get("/v2/health/live?x=1").statusCode()).isEqualTo(200);
    }

    // ---- inference ----------------------------------------------------------------------------------------

    @Test
    void jsonInference() throws Exception {
        String request = "{\"id\":\"7\",\"parameters\":{\"tag\":\"t\"},\"inputs\":["
                + "{\"name\":\"INPUT0\",\"datatype\":\"FP32\",\"shape\":[1,4],\"data\":[[0.1,2,3,4]]},"
                + "{\"name\":\"INPUT1\",\"datatype\":\"BYTES\",\"shape\":[1,1],\"data\":[\"hi\"]}]}";

        HttpResponse<byte[]> response = post("/v2/models/echo/versions/1/infer", request.getBytes(StandardCharsets.UTF_8));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValue("application/json");
        assertContentLength(response);
        assertThat(text(response)).isEqualTo("{\"id\":\"7\",\"model_name\":\"echo\",\"model_version\":\"1\","
                + "\"parameters\":{\"tag\":\"t\"},\"outputs\":["
                + "{\"name\":\"OUTPUT0\",\"datatype\":\"FP32\",\"shape\":[1,4],\"data\":[0.10000000149011612,2.0,3.0,4.0]},"
                + "{\"name\":\"OUTPUT1\",\"datatype\":\"BYTES\",\"shape\":[1,1],\"data\":[\"hi\"]}]}");
    }

    @Test
    void binaryInference() throws Exception {
        String header = "{\"inputs\":[{\"name\":\"INPUT0\",\"datatype\":\"FP32\",\"shape\":[1,4],"
                + "\"parameters\":{\"binary_data_size\":16}}],"
                + "\"outputs\":[{\"name\":\"OUTPUT0\",\"parameters\":{\"binary_data\":true}}]}";
        byte[] tensor = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN)
                .putFloat(1).putFloat(2).putFloat(3).putFloat(4).array();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(header.getBytes(StandardCharsets.UTF_8));
        body.write(tensor);

        HttpResponse<byte[]> response = post("/v2/models/echo/infer", body.toByteArray(),
                InferRequestDecoder.HEADER_LENGTH, Integer.toString(header.length()));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValue("application/octet-stream");
        int jsonLength = Integer.parseInt(response.headers().firstValue(InferRequestDecoder.HEADER_LENGTH).orElseThrow());
        JsonNode json = JSON.readTree(Arrays.copyOf(response.body(), jsonLength));
        assertThat(json.get("model_version").asText()).isEqualTo("2");
        assertThat(json.at("/outputs/0/parameters/binary_data_size").asInt()).isEqualTo(16);
        assertThat(Arrays.copyOfRange(response.body(), jsonLength, response.body().length)).containsExactly(tensor);
    }

    @Test
    void modelFailureBecomesTheErrorObject() throws Exception {
        String request = "{\"inputs\":[{\"name\":\"FAIL\",\"datatype\":\"INT8\",\"shape\":[1],\"data\":[1]}]}";
        HttpResponse<byte[]> response = post("/v2/models/echo/infer", request.getBytes(StandardCharsets.UTF_8));
        assertThat(response.statusCode()).isEqualTo(500);
        assertThat(text(response)).isEqualTo("{\"error\":\"model failed on purpose\"}");
    }

    @Test
    void malformedRequestJson() throws Exception {
        HttpResponse<byte[]> response = post("/v2/models/echo/infer", "{".getBytes(StandardCharsets.UTF_8));
        assertThat(response.statusCode()).isEqualTo(500);
        assertThat(JSON.readTree(response.body()).get("error").asText()).startsWith("failed to parse the request JSON buffer");
    }

    @Test
    void decoupledModelsAreRefusedOverHttp() throws Exception {
        HttpResponse<byte[]> response = post("/v2/models/streamer/infer", "{\"inputs\":[]}".getBytes(StandardCharsets.UTF_8));
        assertThat(response.statusCode()).isEqualTo(501);
        assertThat(text(response))
                .isEqualTo("{\"error\":\"HTTP end point doesn't support models with decoupled transaction policy\"}");
    }

    @Test
    void oversizedBodyIsA400AndClosesTheConnection() throws Exception {
        HttpResponse<byte[]> response = post("/v2/models/echo/infer", new byte[(1 << 20) + 1]);
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(response.body()).get("error").asText())
                .contains("exceeds the maximum allowed value of 1048576 bytes").contains("--http-max-input-size");
        assertThat(response.headers().firstValue("connection")).hasValue("close");
        // The server is still fine for the next request (on a new connection).
        assertThat(get("/v2/health/live").statusCode()).isEqualTo(200);
    }

    @Test
    void gzipRequestAndResponse() throws Exception {
        String request = "{\"inputs\":[{\"name\":\"INPUT0\",\"datatype\":\"FP32\",\"shape\":[1,4],\"data\":[1,2,3,4]}]}";
        ByteArrayOutputStream compressed = new ByteArrayOutputStream();
        try (OutputStream gz = new GZIPOutputStream(compressed)) {
            gz.write(request.getBytes(StandardCharsets.UTF_8));
        }

        HttpResponse<byte[]> response = post("/v2/models/echo/infer", compressed.toByteArray(),
                "Content-Encoding", "gzip", "Accept-Encoding", "gzip, deflate, br");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-encoding")).hasValue("gzip");
        String body = new String(new GZIPInputStream(new java.io.ByteArrayInputStream(response.body())).readAllBytes(),
                StandardCharsets.UTF_8);
        assertThat(body).contains("\"data\":[1.0,2.0,3.0,4.0]");
    }

    @Test
    void otherEndpointsAreNeverCompressed() throws Exception {
        HttpResponse<byte[]> response = client.send(HttpRequest.newBuilder(uri("/v2")).header("Accept-Encoding", "gzip")
                .GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(response.headers().firstValue("content-encoding")).isEmpty();
        assertThat(text(response)).startsWith("{\"name\":\"triton\"");
    }

    @Test
    void unsupportedRequestCoding() throws Exception {
        HttpResponse<byte[]> response = post("/v2/models/echo/infer", new byte[] {1}, "Content-Encoding", "br");
        assertThat(response.statusCode()).isEqualTo(501);
        assertThat(text(response)).isEqualTo("{\"error\":\"Unsupported compression type\"}");
        assertThat(response.headers().firstValue("accept-encoding")).hasValue("gzip, deflate");
    }

    @Test
    void sharedMemoryRoutesAnswerAsAServerWithoutRegions() throws Exception {
        HttpResponse<byte[]> status = get("/v2/systemsharedmemory/status");
        assertThat(status.statusCode()).isEqualTo(200);
        assertThat(text(status)).isEqualTo("[]");
        assertThat(get("/v2/cudasharedmemory/region/r0/status").statusCode()).isEqualTo(404);
        assertThat(post("/v2/systemsharedmemory/unregister", new byte[0]).statusCode()).isEqualTo(200);

        HttpResponse<byte[]> register = post("/v2/systemsharedmemory/region/r0/register",
                "{\"key\":\"/k\",\"offset\":0,\"byte_size\":64}".getBytes(StandardCharsets.UTF_8));
        assertThat(register.statusCode()).isEqualTo(501);
        assertThat(text(register)).contains("shared memory is not supported");
        assertThat(post("/v2/cudasharedmemory/region/r0/register", new byte[0]).statusCode()).isEqualTo(400);
        assertThat(get("/v2/systemsharedmemory/register").statusCode()).isEqualTo(405);
    }

    // ---- connection handling ------------------------------------------------------------------------------

    @Test
    void connectionCloseIsHonoured() throws Exception {
        try (RawHttpConnection connection = new RawHttpConnection(port)) {
            connection.send("GET /v2/health/live HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            RawHttpConnection.Reply reply = connection.read();
            assertThat(reply.status()).isEqualTo(200);
            assertThat(reply.header("connection")).isEqualTo("close");
            assertThat(reply.header("content-length")).isEqualTo("0");
            assertThat(connection.closedByServer()).isTrue();
        }
    }

    @Test
    void http10KeepAliveIsAnswered() throws Exception {
        try (RawHttpConnection connection = new RawHttpConnection(port)) {
            connection.send("GET /v2/health/live HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
            assertThat(connection.read().header("connection")).isEqualTo("keep-alive");
            connection.send("GET /v2 HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
            assertThat(connection.read().status()).isEqualTo(200);
        }
    }

    @Test
    void expectContinueIsHonoured() throws Exception {
        byte[] body = "{\"inputs\":[{\"name\":\"X\",\"datatype\":\"INT8\",\"shape\":[1],\"data\":[4]}]}"
                .getBytes(StandardCharsets.UTF_8);
        try (RawHttpConnection connection = new RawHttpConnection(port)) {
            connection.send("POST /v2/models/echo/infer HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n"
                    + "Content-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n");
            assertThat(connection.read().status()).isEqualTo(100);
            connection.send("", body);
            RawHttpConnection.Reply reply = connection.read();
            assertThat(reply.status()).isEqualTo(200);
            assertThat(reply.text()).contains("\"data\":[4]");
        }
    }

    @Test
    void oversizedBodyAnnouncedWithExpectContinueIsRefusedBeforeItIsSent() throws Exception {
        try (RawHttpConnection connection = new RawHttpConnection(port)) {
            connection.send("POST /v2/models/echo/infer HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n"
                    + "Content-Length: " + (2 << 20) + "\r\n\r\n");
            RawHttpConnection.Reply reply = connection.read();
            assertThat(reply.status()).isEqualTo(400);
            assertThat(reply.text()).contains("--http-max-input-size");
            assertThat(reply.header("connection")).isEqualTo("close");
            assertThat(connection.closedByServer()).isTrue();
        }
    }

    @Test
    void malformedHttpIsA400ThatClosesTheConnection() throws Exception {
        try (RawHttpConnection connection = new RawHttpConnection(port)) {
            connection.send("GET /v2 HTTP/1.1\r\nHost: x\r\nContent-Length: nope\r\n\r\n");
            RawHttpConnection.Reply reply = connection.read();
            assertThat(reply.status()).isEqualTo(400);
            assertThat(reply.text()).startsWith("{\"error\":");
            assertThat(connection.closedByServer()).isTrue();
        }
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrder() throws Exception {
        String infer = "{\"inputs\":[{\"name\":\"X\",\"datatype\":\"INT8\",\"shape\":[1],\"data\":[3]}]}";
        byte[] inferBytes = infer.getBytes(StandardCharsets.UTF_8);
        try (RawHttpConnection connection = new RawHttpConnection(port)) {
            connection.send("POST /v2/models/gate/infer HTTP/1.1\r\nHost: x\r\nContent-Length: " + inferBytes.length
                    + "\r\n\r\n" + infer + "GET /v2/health/live HTTP/1.1\r\nHost: x\r\n\r\n"
                    + "GET /v2/nothing HTTP/1.1\r\nHost: x\r\n\r\n");
            GateModel.Pending held = gate.next();
            held.echo();

            RawHttpConnection.Reply first = connection.read();
            assertThat(first.status()).isEqualTo(200);
            assertThat(first.text()).contains("\"data\":[3]");
            assertThat(connection.read().status()).isEqualTo(200);
            assertThat(connection.read().status()).isEqualTo(404);
        }
    }

    @Test
    void stopWaitsForRequestsInFlight() throws Exception {
        CompletableFuture<HttpResponse<byte[]>> inFlight = client.sendAsync(HttpRequest.newBuilder(uri("/v2/models/gate/infer"))
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"inputs\":[{\"name\":\"X\",\"datatype\":\"INT8\",\"shape\":[1],\"data\":[9]}]}"))
                .build(), HttpResponse.BodyHandlers.ofByteArray());
        GateModel.Pending held = gate.next();
        assertThat(server.activeRequests()).isEqualTo(1);

        CompletableFuture<Void> stopping = CompletableFuture.runAsync(() -> {
            try {
                server.stop(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, modelThreads);
        held.echo();

        HttpResponse<byte[]> response = inFlight.get(10, TimeUnit.SECONDS);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(text(response)).contains("\"data\":[9]");
        stopping.get(10, TimeUnit.SECONDS);
        assertThat(server.activeRequests()).isZero();
    }

    @Test
    void manyConcurrentRequestsAllGetTheirOwnAnswer() throws Exception {
        CompletableFuture<?>[] calls = new CompletableFuture<?>[64];
        for (int i = 0; i < calls.length; i++) {
            String request = "{\"id\":\"" + i + "\",\"inputs\":[{\"name\":\"INPUT2\",\"datatype\":\"INT32\",\"shape\":[1],"
                    + "\"data\":[" + i + "]}]}";
            int expected = i;
            calls[i] = client.sendAsync(HttpRequest.newBuilder(uri("/v2/models/echo/infer"))
                            .POST(HttpRequest.BodyPublishers.ofString(request)).build(),
                    HttpResponse.BodyHandlers.ofString())
                    .thenAccept(response -> assertThat(response.body())
                            .contains("\"id\":\"" + expected + "\"").contains("\"data\":[" + expected + "]"));
        }
        CompletableFuture.allOf(calls).get(30, TimeUnit.SECONDS);
    }

    // ---- metrics port ---------------------------------------------------------------------------------------

    @Test
    void metricsServer() throws Exception {
        HttpServer metrics = HttpServer.forMetrics(() -> "# HELP x y\n# TYPE x counter\nx 1\n",
                new HttpServerOptions("127.0.0.1", 0, 1, 1 << 16));
        int metricsPort = metrics.start().getPort();
        try {
            HttpResponse<String> scrape = client.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + metricsPort + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(scrape.statusCode()).isEqualTo(200);
            assertThat(scrape.headers().firstValue("content-type")).hasValue("text/plain; charset=utf-8");
            assertThat(scrape.body()).isEqualTo("# HELP x y\n# TYPE x counter\nx 1\n");

            HttpResponse<String> other = client.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + metricsPort + "/v2/health/live")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(other.statusCode()).isEqualTo(200);
            assertThat(other.body()).isEmpty();

            HttpResponse<String> post = client.send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + metricsPort + "/metrics"))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(post.statusCode()).isEqualTo(405);
            assertThat(post.body()).isEqualTo("{\"error\":\"Method Not Allowed\"}");
        } finally {
            metrics.stop(5_000);
        }
    }

    @Test
    void aSecondServerCannotTakeABoundPort() {
        HttpServer second = HttpServer.forMetrics(() -> "", new HttpServerOptions("127.0.0.1", port, 1, 1024));
        org.assertj.core.api.Assertions.assertThatThrownBy(second::start).isInstanceOf(IOException.class);
    }
}
