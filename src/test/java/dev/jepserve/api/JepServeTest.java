package dev.jepserve.api;

import dev.jepserve.inference.InferenceResponse;
import dev.jepserve.inference.ResponseSink;
import dev.jepserve.inference.TritonCode;
import dev.jepserve.inference.TritonException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The Java API end to end: a real embedded server on examples/ (the project's .venv embedded through Jep),
 * driven from Java with no socket. One server for the class: Jep's main interpreter starts once per JVM.
 * The first test is the example docs/java-api.md shows.
 */
class JepServeTest {
    private static final Path VENV = Path.of(".venv");
    private static JepServe server;

    @BeforeAll
    static void start() {
        assumeTrue(Files.isExecutable(VENV.resolve("bin/python")), "skipped: no .venv (run bin/setup)");
        server = JepServe.builder()
                .modelRepository(Path.of("examples"))
                .python(VENV)
                .start();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void example_inferFromJavaArraysAndReadAMetric() {
        InferResult result = server.infer("add_sub",
                Tensors.fp32("INPUT0", new float[] {1, 2, 3, 4}),
                Tensors.fp32("INPUT1", new float[] {0.5f, 0.5f, 0.5f, 0.5f}));

        assertThat(result.floats("OUTPUT0")).containsExactly(1.5f, 2.5f, 3.5f, 4.5f);
        assertThat(result.floats("OUTPUT1")).containsExactly(0.5f, 1.5f, 2.5f, 3.5f);
        assertThat(result.shape("OUTPUT0")).containsExactly(4);
        assertThat(result.modelVersion()).isEqualTo("1");
        assertThat(server.metric("nv_inference_request_success", Map.of("model", "add_sub", "version", "1"))
                .orElseThrow()).isGreaterThanOrEqualTo(1);
    }

    @Test
    void readinessAndModels() {
        assertThat(server.isReady()).isTrue();
        assertThat(server.isModelReady("add_sub")).isTrue();
        assertThat(server.isModelReady("nope")).isFalse();
        assertThat(server.readyModels()).contains("add_sub", "countdown", "custom_metrics", "text_stats");
        assertThat(server.service().serverName()).isEqualTo("triton");
    }

    @Test
    void inputsFromADirectBufferAreUsedAsTheyAre() {
        ByteBuffer buffer = ByteBuffer.allocateDirect(16).order(ByteOrder.LITTLE_ENDIAN);
        buffer.asFloatBuffer().put(new float[] {10, 20, 30, 40});
        InferResult result = server.infer("add_sub",
                Tensors.of("INPUT0", dev.jepserve.inference.DataType.FP32, new long[] {4}, buffer),
                Tensors.fp32("INPUT1", new float[] {1, 2, 3, 4}, 4));

        assertThat(result.floats("OUTPUT1")).containsExactly(9, 18, 27, 36);
    }

    @Test
    void manyThreadsInferAtOnce() {
        List<CompletableFuture<InferResult>> futures = IntStream.range(0, 32)
                .mapToObj(i -> server.inferAsync(JepServe.request("add_sub", List.of(
                        Tensors.fp32("INPUT0", new float[] {i, i, i, i}),
                        Tensors.fp32("INPUT1", new float[] {1, 1, 1, 1})))))
                .toList();
        for (int i = 0; i < futures.size(); i++) {
            assertThat(futures.get(i).orTimeout(60, TimeUnit.SECONDS).join().floats("OUTPUT0"))
                    .containsOnly(i + 1f);
        }
    }

    @Test
    void bytesTensorsAndCustomMetrics() {
        InferResult result = server.infer("text_stats",
                Tensors.strings("TEXT", List.of("one two three", "four")));

        assertThat(result.ints("WORDS")).containsExactly(3, 1);
        assertThat(server.metric("text_stats_last_request_items", Map.of("model", "text_stats", "version", "1")))
                .hasValue(2.0);
        assertThat(server.metricsText()).contains("# TYPE text_stats_item_bytes histogram");
    }

    @Test
    void errorsCarryTritonsTextsAndCodes() {
        assertThatThrownBy(() -> server.infer("nope", Tensors.fp32("INPUT0", new float[] {1})))
                .isInstanceOfSatisfying(TritonException.class,
                        e -> assertThat(e.code()).isEqualTo(TritonCode.NOT_FOUND))
                .hasMessageContaining("Request for unknown model: 'nope' is not found");
        assertThatThrownBy(() -> server.infer("add_sub",
                Tensors.fp32("INPUT0", new float[] {1, 2, 3}),
                Tensors.fp32("INPUT1", new float[] {1, 2, 3})))
                .isInstanceOfSatisfying(TritonException.class,
                        e -> assertThat(e.code()).isEqualTo(TritonCode.INVALID_ARG))
                .hasMessageContaining("INPUT0");
        assertThatThrownBy(() -> Tensors.fp32("X", new float[] {1, 2, 3}, 2, 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("holds 4 elements, not 3");
        // The server keeps serving.
        assertThat(server.infer("add_sub", Tensors.fp32("INPUT0", new float[] {1, 1, 1, 1}),
                Tensors.fp32("INPUT1", new float[] {1, 1, 1, 1})).floats("OUTPUT0")).containsOnly(2f);
    }

    @Test
    void aDecoupledModelStreamsItsResponsesToASink() throws Exception {
        List<Integer> counts = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> done = new CompletableFuture<>();
        server.infer(JepServe.request("countdown", List.of(Tensors.int32("N", new int[] {3}))), new ResponseSink() {
            @Override
            public void send(InferenceResponse response, boolean isFinal) {
                if (response != null) {
                    counts.add(InferResult.of(response).ints("COUNT")[0]);
                }
                if (isFinal) {
                    done.complete(null);
                }
            }

            @Override
            public void fail(TritonException error, boolean isFinal) {
                done.completeExceptionally(error);
            }
        });

        done.get(60, TimeUnit.SECONDS);
        assertThat(counts).containsExactly(3, 2, 1);
    }

    @Test
    void metricsTextHasTheBuiltInFamilies() {
        server.infer("add_sub", Tensors.fp32("INPUT0", new float[] {1, 1, 1, 1}),
                Tensors.fp32("INPUT1", new float[] {1, 1, 1, 1}));
        String text = server.metricsText();

        assertThat(text).contains("# TYPE nv_inference_count counter", "nv_inference_count{model=\"add_sub\"");
        assertThat(server.metric("nv_inference_count", Map.of("model", "nope", "version", "1"))).isEmpty();
    }
}
