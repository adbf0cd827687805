"""Large request inputs are decoded into buffers the server reuses from request to request. A buffer is reused
only once nothing can read it: never after an in-process model got the input (numpy views the server's memory
and a model may keep the array), and every answer is computed from its own request's bytes, whatever other
requests arrive meanwhile over HTTP and gRPC. In a stub, an input array is a view of the stub's input region:
its space is reused only once the model no longer references the array."""

import threading

import numpy as np
import pytest
import tritonclient.grpc as grpcclient
import tritonclient.http as httpclient

from jepserve_process import TEST_MODELS, JepServe, make_repository

KIB = 1024


def infer(client, module, data):
    tensor = module.InferInput("X", list(data.shape), "UINT8")
    if module is httpclient:
        tensor.set_data_from_numpy(data, binary_data=True)
        outputs = [httpclient.InferRequestedOutput(name, binary_data=True) for name in ("PREVIOUS", "CURRENT")]
    else:
        tensor.set_data_from_numpy(data)
        outputs = None
    result = client.infer("keep_previous", [tensor], outputs=outputs)
    return result.as_numpy("PREVIOUS"), result.as_numpy("CURRENT")


@pytest.mark.parametrize("isolation", ["inprocess", "process"])
def test_an_input_array_a_model_keeps_is_never_overwritten_by_later_requests(isolation):
    repository = make_repository(TEST_MODELS / "keep_previous")
    rng = np.random.default_rng(11)
    with JepServe([repository], ["--python-isolation", isolation]) as server:
        http = httpclient.InferenceServerClient(server.url)
        grpc = grpcclient.InferenceServerClient("localhost:%d" % server.grpc_port)
        sent = []
        # Same sizes over and over (1 MiB: pooled), alternating protocols, so a buffer given back too early
        # would be the very one the next request is decoded into.
        for index in range(12):
            data = rng.integers(0, 255, size=1024 * KIB, dtype=np.uint8)
            previous, current = infer(http if index % 2 == 0 else grpc, httpclient if index % 2 == 0 else grpcclient,
                                      data)
            np.testing.assert_array_equal(current, data)
            np.testing.assert_array_equal(previous, sent[-1] if sent else data,
                                          err_msg="request %d: the kept input changed" % index)
            sent.append(data)
        http.close()
        grpc.close()


def test_a_stub_gives_back_the_input_space_of_arrays_its_model_stopped_keeping():
    # A 4 MiB ceiling and 1 MiB inputs: kept inputs that were never given back would fill the region within a
    # few requests ("Failed to increase the shared memory pool size"); the model keeps one request's input at a
    # time, so the space of each earlier one must come back.
    repository = make_repository(TEST_MODELS / "keep_previous")
    region = ["--backend-config=python,shm-default-byte-size=1048576",
              "--backend-config=python,shm-growth-byte-size=1048576",
              "--backend-config=python,shm-region-max-byte-size=4194304"]
    rng = np.random.default_rng(12)
    with JepServe([repository], ["--python-isolation", "process", *region]) as server:
        client = httpclient.InferenceServerClient(server.url)
        sent = []
        for index in range(24):
            data = rng.integers(0, 255, size=1000 * KIB, dtype=np.uint8)
            previous, current = infer(client, httpclient, data)
            np.testing.assert_array_equal(current, data)
            np.testing.assert_array_equal(previous, sent[-1] if sent else data,
                                          err_msg="request %d: the kept input changed" % index)
            sent.append(data)
        client.close()


def test_every_answer_comes_from_its_own_request_under_concurrent_large_requests():
    repository = make_repository(TEST_MODELS / "keep_previous")
    config = repository / "keep_previous" / "config.pbtxt"
    config.write_text(config.read_text().replace("count: 1", "count: 2"))
    failures = []

    def client_loop(seed, module, url):
        rng = np.random.default_rng(seed)
        try:
            with module.InferenceServerClient(url) as client:
                for _ in range(15):
                    size = int(rng.integers(256 * KIB, 3 * 1024 * KIB))
                    data = rng.integers(0, 255, size=size, dtype=np.uint8)
                    _, current = infer(client, module, data)
                    if not np.array_equal(current, data):
                        failures.append("seed %d: an answer differs from its request" % seed)
        except Exception as error:  # noqa: BLE001 - reported below with the others
            failures.append("seed %d: %r" % (seed, error))

    with JepServe([repository], ["--python-isolation", "process"]) as server:
        threads = [threading.Thread(target=client_loop, args=(seed, module, url)) for seed, (module, url) in
                   enumerate([(httpclient, server.url), (grpcclient, "localhost:%d" % server.grpc_port)] * 3)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
        assert not failures, failures
        assert not any(thread.is_alive() for thread in threads)
