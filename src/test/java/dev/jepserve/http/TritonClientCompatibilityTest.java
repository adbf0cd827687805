package dev.jepserve.http;

import dev.jepserve.logging.LogController;
import dev.jepserve.logging.LogOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Drives a real HttpServer with NVIDIA's own Python client (tritonclient.http, sync and aio) from the project
 * venv. Skipped when the venv is absent.
 */
class TritonClientCompatibilityTest {
    /** The test environment's Python (tritonclient lives there, not in the server's .venv). */
    private static final Path PYTHON = Path.of(System.getProperty("jepserve.python",
            Files.isExecutable(Path.of(".venv-test/bin/python")) ? ".venv-test/bin/python" : ".venv/bin/python"));

    private static final String SCRIPT = """
            import asyncio, sys
            import numpy as np
            import tritonclient.http as httpclient
            import tritonclient.http.aio as aioclient
            from tritonclient.utils import InferenceServerException, np_to_triton_dtype

            url = sys.argv[1]

            def inputs(binary):
                a = httpclient.InferInput("INPUT0", [1, 4], "FP32")
                a.set_data_from_numpy(np.array([[0.5, 1.5, -2.0, 3.25]], dtype=np.float32), binary_data=binary)
                b = httpclient.InferInput("INPUT1", [1, 2], "BYTES")
                b.set_data_from_numpy(np.array([[b"hello", "w\\u00f6rld".encode()]], dtype=np.object_), binary_data=binary)
                return [a, b]

            def check(result):
                assert np.array_equal(result.as_numpy("OUTPUT0"), np.array([[0.5, 1.5, -2.0, 3.25]], dtype=np.float32))
                got = result.as_numpy("OUTPUT1")
                assert got.shape == (1, 2), got.shape
                # JSON BYTES outputs come back as str, binary ones as bytes (as with Triton)
                values = [v.encode() if isinstance(v, str) else v for v in got[0]]
                assert values == [b"hello", "w\\u00f6rld".encode()], got

            with httpclient.InferenceServerClient(url) as client:
                assert client.is_server_live()
                assert client.is_server_ready()
                assert client.is_model_ready("echo")
                assert not client.is_model_ready("nope")
                meta = client.get_server_metadata()
                assert meta["name"] == "triton" and "binary_tensor_data" in meta["extensions"], meta
                model = client.get_model_metadata("echo")
                assert model["versions"] == ["1", "2"] and model["platform"] == "python", model
                assert model["inputs"][0]["shape"] == [-1, 4], model
                config = client.get_model_config("echo", "1")
                assert config["max_batch_size"] == 8, config

                for binary_in in (True, False):
                    for binary_out in (True, False):
                        outputs = [httpclient.InferRequestedOutput("OUTPUT0", binary_data=binary_out),
                                   httpclient.InferRequestedOutput("OUTPUT1", binary_data=binary_out)]
                        result = client.infer("echo", inputs(binary_in), outputs=outputs, request_id="r1",
                                              parameters={"custom": 5})
                        check(result)
                        response = result.get_response()
                        assert response["id"] == "r1" and response["model_version"] == "2", response
                        assert response["parameters"] == {"custom": 5}, response

                check(client.infer("echo", inputs(True)))  # no outputs listed: binary_data_output
                for algorithm in ("gzip", "deflate"):
                    check(client.infer("echo", inputs(True), request_compression_algorithm=algorithm,
                                       response_compression_algorithm=algorithm))
                check(client.async_infer("echo", inputs(True)).get_result())
                result = client.infer("echo", inputs(True), model_version="1",
                                      outputs=[httpclient.InferRequestedOutput("OUTPUT0", class_count=2)])
                assert list(result.as_numpy("OUTPUT0")[0]) == [b"3.250000:3", b"1.500000:1"], result.as_numpy("OUTPUT0")

                try:
                    client.infer("nope", inputs(True))
                    raise AssertionError("expected an error")
                except InferenceServerException as e:
                    assert e.status() == "404", e.status()
                    assert "Request for unknown model: 'nope' is not found" in e.message(), e.message()

            async def aio():
                async with aioclient.InferenceServerClient(url) as client:
                    assert await client.is_server_live()
                    assert (await client.get_model_metadata("echo"))["name"] == "echo"
                    check(await client.infer("echo", inputs(True)))
            asyncio.run(aio())
            print("OK")
            """;

    private ExecutorService modelThreads;
    private HttpServer server;

    @BeforeEach
    void start() throws Exception {
        assumeTrue(Files.isExecutable(PYTHON), "no Python venv with tritonclient at " + PYTHON);
        modelThreads = Executors.newFixedThreadPool(2);
        FakeInferenceService service = new FakeInferenceService()
                .add(new EchoModel("echo", 1, EchoModel.config("echo", 8), modelThreads))
                .add(new EchoModel("echo", 2, EchoModel.config("echo", 8), modelThreads));
        server = HttpServer.forInference(service, LogController.install(LogOptions.defaults()), new HttpServerOptions("127.0.0.1", 0, 2, 1 << 20));
        server.start();
    }

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.stop(5_000);
        }
        if (modelThreads != null) {
            modelThreads.shutdownNow();
        }
    }

    @Test
    void tritonclientWorksUnmodified(@TempDir Path dir) throws Exception {
        Path script = dir.resolve("client_check.py");
        Files.writeString(script, SCRIPT, StandardCharsets.UTF_8);
        Process process = new ProcessBuilder(PYTHON.toString(), script.toString(), "127.0.0.1:" + server.port())
                .redirectErrorStream(true)
                .start();
        boolean finished = process.waitFor(120, TimeUnit.SECONDS);
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!finished) {
            process.destroyForcibly();
        }
        assertThat(finished).as("client script finished").isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        assertThat(output).contains("OK");
    }
}
