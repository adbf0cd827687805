package dev.jepserve.http;

import dev.jepserve.logging.LogController;
import dev.jepserve.logging.LogOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A large JSON body is decoded and its reply encoded off the event loop: with one event loop for every
 * connection, a health check on another connection answers promptly while the large request is being worked on.
 */
class EventLoopOffloadTest {
    private static final int ELEMENTS = 1_000_000;
    /**
     * A check waits for the work only if it runs on the event loop; then the slowest check takes most of the phase
     * (measured: 0.6 to 0.9 of it, against 0.05 to 0.3 with the work offloaded). Relative to the phase, so that a
     * loaded or a fast machine does not change the verdict.
     */
    private static final double MOST_OF_THE_PHASE = 0.5;

    private GateModel gate;
    private HttpServer server;
    private int port;

    @BeforeEach
    void start() throws Exception {
        gate = new GateModel("gate");
        FakeInferenceService service = new FakeInferenceService().add(gate);
        server = HttpServer.forInference(service, LogController.install(LogOptions.defaults()),
                new HttpServerOptions("127.0.0.1", 0, 1, HttpServerOptions.DEFAULT_MAX_INPUT_SIZE));
        port = server.start().getPort();
    }

    @AfterEach
    void stop() throws Exception {
        server.stop(5_000);
    }

    @Test
    void healthAnswersPromptlyWhileALargeJsonRequestIsDecodedAndItsReplyEncoded() throws Exception {
        byte[] body = largeJsonRequest();
        try (RawHttpConnection large = new RawHttpConnection(port);
             RawHttpConnection health = new RawHttpConnection(port)) {
            health.send("GET /v2/health/live HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(health.read().status()).isEqualTo(200);

            large.send("POST /v2/models/gate/infer HTTP/1.1\r\nHost: x\r\nContent-Length: " + body.length + "\r\n\r\n",
                    body);
            GateModel.Pending[] arrived = new GateModel.Pending[1];
            Probes decoding = probeWhile(health, () -> (arrived[0] = gate.poll()) == null);

            CompletableFuture<RawHttpConnection.Reply> reply = CompletableFuture.supplyAsync(() -> {
                try {
                    return large.read();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            arrived[0].echo();
            Probes encoding = probeWhile(health, () -> !reply.isDone());

            assertThat(reply.get(30, TimeUnit.SECONDS).status()).isEqualTo(200);
            assertThat(reply.get().body().length).isGreaterThan(ELEMENTS * 2);
            assertThat(decoding.latencies).as("health checks while decoding").isNotEmpty();
            assertThat(decoding.slowestMillis()).as("slowest health check while decoding, of %d ms", decoding.phaseMillis)
                    .isLessThan((long) (decoding.phaseMillis * MOST_OF_THE_PHASE));
            assertThat(encoding.slowestMillis()).as("slowest health check while encoding, of %d ms", encoding.phaseMillis)
                    .isLessThan((long) (encoding.phaseMillis * MOST_OF_THE_PHASE));
        }
    }

    private static final class Probes {
        final List<Long> latencies = new ArrayList<>();
        long phaseMillis;

        long slowestMillis() {
            return latencies.stream().mapToLong(Long::longValue).max().orElse(0);
        }
    }

    /** Health checks one after another on {@code connection} for as long as {@code busy} holds (up to 30 s). */
    private static Probes probeWhile(RawHttpConnection connection, BooleanSupplier busy) throws Exception {
        Probes probes = new Probes();
        long begin = System.nanoTime();
        long deadline = begin + TimeUnit.SECONDS.toNanos(30);
        while (busy.getAsBoolean() && System.nanoTime() < deadline) {
            long start = System.nanoTime();
            connection.send("GET /v2/health/live HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(connection.read().status()).isEqualTo(200);
            probes.latencies.add((System.nanoTime() - start) / 1_000_000);
        }
        probes.phaseMillis = (System.nanoTime() - begin) / 1_000_000;
        return probes;
    }

    /** One FP32 input of a million values written out as JSON (about 19 MB). */
    private static byte[] largeJsonRequest() {
        StringBuilder json = new StringBuilder(20 * ELEMENTS);
        json.append("{\"inputs\":[{\"name\":\"INPUT0\",\"datatype\":\"FP32\",\"shape\":[").append(ELEMENTS)
                .append("],\"data\":[");
        Random random = new Random(3);
        for (int i = 0; i < ELEMENTS; i++) {
            if (i > 0) {
                json.append(',');
            }
            json.append((float) (random.nextGaussian() * 100));
        }
        json.append("]}]}");
        ByteArrayOutputStream out = new ByteArrayOutputStream(json.length());
        out.writeBytes(json.toString().getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }
}
