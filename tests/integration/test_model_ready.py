"""A model's own is_ready() seen through the ready endpoints (HTTP and gRPC), and pb_utils' model control
(load_model, unload_model, is_model_ready) called from a model."""

import shutil
import time

import numpy as np
import pytest
import requests
import tritonclient.grpc as grpcclient
import tritonclient.http as httpclient
from tritonclient.utils import InferenceServerException

from jepserve_process import TEST_MODELS, JepServe, make_repository

MODES = {"ready_true": ("true", True), "ready_false": ("false", False), "ready_raise": ("raise", False),
         "ready_nonbool": ("nonbool", False), "ready_async": ("async", True),
         "ready_async_false": ("async_false", False), "ready_slow": ("slow", False)}


# Stub processes are costly on a small machine: that mode checks a subset covering each kind of answer.
PROCESS_MODES = ("ready_true", "ready_raise", "ready_nonbool", "ready_async_false", "ready_slow")


def ready_repository(names):
    repository = make_repository()
    source = TEST_MODELS / "ready_modes"
    for name in names:
        mode = MODES[name][0]
        shutil.copytree(source, repository / name, ignore=shutil.ignore_patterns("__pycache__"))
        config = repository / name / "config.pbtxt"
        config.write_text(config.read_text().replace('string_value: "true"', 'string_value: "%s"' % mode))
    return repository


@pytest.fixture(scope="module", params=["inprocess", "process"])
def ready_server(request):
    names = sorted(MODES) if request.param == "inprocess" else PROCESS_MODES
    # A model that is not ready by its own word still loaded: the server must start and stay up.
    server = JepServe([ready_repository(names)], ["--strict-readiness", "false",
                                                  "--python-isolation", request.param])
    server.wait_live()
    server.names = names
    yield server
    server.stop()


@pytest.mark.parametrize("name", sorted(MODES))
def test_is_ready_variants_over_http_and_grpc(ready_server, name):
    if name not in ready_server.names:
        pytest.skip("not served in this isolation mode")
    expected = MODES[name][1]
    started = time.monotonic()
    with httpclient.InferenceServerClient(ready_server.url, network_timeout=30) as client:
        assert client.is_model_ready(name) is expected
        assert client.is_model_ready(name, "1") is expected
    grpc = grpcclient.InferenceServerClient(ready_server.grpc_url)
    try:
        assert grpc.is_model_ready(name) is expected
    finally:
        grpc.close()
    # The slow one is cut off at the server's 5 s limit (each call), not after its 8 s sleep.
    assert time.monotonic() - started < 40


def test_a_not_ready_model_still_serves_and_others_answer(ready_server):
    with httpclient.InferenceServerClient(ready_server.url) as client:
        inp = httpclient.InferInput("X", [1], "INT32")
        inp.set_data_from_numpy(np.array([3], dtype=np.int32))
        assert client.infer("ready_raise", [inp]).as_numpy("Y")[0] == 3
        response = requests.get("http://%s/v2/models/ready_raise/ready" % ready_server.url)
        assert response.status_code == 400
        unknown = requests.get("http://%s/v2/models/no_such_model/ready" % ready_server.url)
        assert unknown.status_code == 404 and "is not found" in unknown.json()["error"]
        unknown = requests.get("http://%s/v2/models/ready_true/versions/9/ready" % ready_server.url)
        assert unknown.status_code == 404 and "version 9 is not found" in unknown.json()["error"]
    grpc = grpcclient.InferenceServerClient(ready_server.grpc_url)
    try:
        with pytest.raises(InferenceServerException, match="is not found"):
            grpc.is_model_ready("no_such_model")
    finally:
        grpc.close()


def test_strict_readiness_asks_every_model():
    repository = make_repository()
    for name in ("ready_true", "ready_false"):
        shutil.copytree(TEST_MODELS / "ready_modes", repository / name)
    config = repository / "ready_false" / "config.pbtxt"
    config.write_text(config.read_text().replace('string_value: "true"', 'string_value: "flip"'))
    with JepServe([repository]) as server:
        with httpclient.InferenceServerClient(server.url) as client:
            assert client.is_server_ready()
            inp = httpclient.InferInput("X", [1], "INT32")
            inp.set_data_from_numpy(np.array([0], dtype=np.int32))
            client.infer("ready_false", [inp])  # the model now says it is not ready
            assert not client.is_model_ready("ready_false")
            assert not client.is_server_ready()
            inp.set_data_from_numpy(np.array([1], dtype=np.int32))
            client.infer("ready_false", [inp])
            assert client.is_server_ready()
        grpc = grpcclient.InferenceServerClient(server.grpc_url)
        try:
            assert grpc.is_server_ready()
        finally:
            grpc.close()


def command(client, text):
    inp = httpclient.InferInput("COMMAND", [1], "BYTES")
    inp.set_data_from_numpy(np.array([text.encode()], dtype=np.object_))
    return client.infer("control_caller", [inp]).as_numpy("RESULT")[0].decode()


@pytest.mark.parametrize("threads,isolation", [("1", "inprocess"), ("2", "inprocess"), ("1", "process")])
def test_model_control_from_python(threads, isolation):
    repository = make_repository(TEST_MODELS / "control_caller", TEST_MODELS / "control_offset")
    with JepServe([repository], ["--model-control-mode", "explicit", "--load-model", "control_caller",
                                 "--python-threads", threads, "--python-isolation", isolation]) as server:
        with httpclient.InferenceServerClient(server.url) as client:
            assert command(client, "ready control_offset") == "False"
            assert command(client, "load control_offset") == "ok"
            assert command(client, "ready control_offset") == "True"
            assert command(client, "ready control_offset 1") == "True"
            assert "version" in command(client, "ready control_offset abc")
            assert command(client, "load_override control_offset") == "ok"
            inp = httpclient.InferInput("X", [1], "INT32")
            inp.set_data_from_numpy(np.array([2], dtype=np.int32))
            assert client.infer("control_offset", [inp]).as_numpy("Y")[0] == 2000
            assert "files should be a dictionary" in command(client, "load_bad_files control_offset")
            assert "failed to poll from model repository" in command(client, "load nothing_here")
            assert command(client, "unload control_offset") == "ok"
            deadline = time.monotonic() + 30
            while command(client, "ready control_offset") != "False" and time.monotonic() < deadline:
                time.sleep(0.05)
            assert command(client, "ready control_offset") == "False"


def test_model_control_from_python_is_refused_outside_explicit_mode():
    repository = make_repository(TEST_MODELS / "control_caller", TEST_MODELS / "control_offset")
    with JepServe([repository]) as server:
        with httpclient.InferenceServerClient(server.url) as client:
            assert command(client, "load control_offset") == ("error: Failed to load model: explicit model load / "
                                                              "unload is not allowed if polling is enabled")
            assert command(client, "unload control_offset").startswith("error: Failed to unload model: explicit")
            assert command(client, "ready control_offset") == "True"
