"""Model instances in stub processes (PYTHON_ISOLATION=process): a crash takes down only its own stub, the
server and other models keep serving, every request gets an answer; each model has its own sys.modules."""

import os
import signal
import time

import numpy as np
import pytest
import tritonclient.grpc as grpcclient
import tritonclient.http as httpclient
from tritonclient.utils import InferenceServerException

from jepserve_process import EXAMPLES, TEST_MODELS, JepServe, make_repository


@pytest.fixture
def server():
    repository = make_repository(TEST_MODELS / "stub_crash", TEST_MODELS / "twin_a", TEST_MODELS / "twin_b",
                                 EXAMPLES / "add_sub")
    with JepServe([repository]) as running:
        yield running


def mode(value):
    tensor = httpclient.InferInput("MODE", [1], "BYTES")
    tensor.set_data_from_numpy(np.array([value.encode()], dtype=np.object_))
    return [tensor]


def any_input():
    tensor = httpclient.InferInput("ANY", [1], "INT32")
    tensor.set_data_from_numpy(np.array([0], dtype=np.int32))
    return [tensor]


def add_sub_works(client):
    a = np.ones(4, dtype=np.float32)
    inputs = [httpclient.InferInput("INPUT0", [4], "FP32"), httpclient.InferInput("INPUT1", [4], "FP32")]
    inputs[0].set_data_from_numpy(a)
    inputs[1].set_data_from_numpy(a)
    return client.infer("add_sub", inputs).as_numpy("OUTPUT0").tolist() == [2.0] * 4


def stub_pid(client):
    text = client.infer("stub_crash", mode("pid")).as_numpy("TEXT")[0].decode()
    return int(text.split(":")[1])


@pytest.mark.parametrize("how", ["exit", "segfault"])
def test_a_model_that_crashes_its_stub_leaves_the_server_serving(server, how):
    with httpclient.InferenceServerClient(server.url) as client:
        pid = stub_pid(client)
        assert pid != server.process.pid
        with pytest.raises(InferenceServerException) as raised:
            client.infer("stub_crash", mode(how))
        assert "Stub process 'stub_crash_0_0' is not healthy." in str(raised.value)
        assert client.is_server_live()
        assert add_sub_works(client)
        # The crashed model is not ready, and so is the server (--strict-readiness); requests are refused.
        assert not client.is_model_ready("stub_crash")
        assert not client.is_server_ready()
        with pytest.raises(InferenceServerException) as raised:
            client.infer("stub_crash", mode("pid"))
        assert "is not at ready state" in str(raised.value) or "has no available versions" in str(raised.value)


def test_a_stub_killed_from_outside_fails_its_request_in_flight_and_nothing_else(server):
    with httpclient.InferenceServerClient(server.url) as client:
        os.kill(stub_pid(client), signal.SIGKILL)
        deadline = time.monotonic() + 10
        while client.is_model_ready("stub_crash") and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not client.is_model_ready("stub_crash")
        assert add_sub_works(client)
        assert client.is_model_ready("twin_a")


def test_each_model_in_its_own_stub_imports_its_own_utils_and_model(server):
    with httpclient.InferenceServerClient(server.url) as client:
        for name in ("twin_a", "twin_b"):
            text = client.infer(name, any_input()).as_numpy("TEXT")[0].decode()
            assert text == "%s %s/model.py" % (name, name)


def test_a_stub_that_dies_in_initialize_fails_only_its_model():
    repository = make_repository(TEST_MODELS / "init_kill", EXAMPLES / "add_sub")
    with JepServe([repository], extra_args=["--exit-on-error=false"]) as server:
        with httpclient.InferenceServerClient(server.url) as client:
            assert not client.is_model_ready("init_kill")
            assert add_sub_works(client)
        with grpcclient.InferenceServerClient(server.grpc_url) as grpc_client:
            index = grpc_client.get_model_repository_index(as_json=True)["models"]
        states = {entry["name"]: entry for entry in index}
        assert states["init_kill"]["state"] == "UNAVAILABLE"
        assert "Stub process 'init_kill_0_0' is not healthy." in states["init_kill"]["reason"]


def test_python_isolation_process_runs_every_model_in_stubs():
    repository = make_repository(EXAMPLES / "add_sub")
    with JepServe([repository], extra_args=["--python-isolation", "process"]) as server:
        with httpclient.InferenceServerClient(server.url) as client:
            assert add_sub_works(client)
        assert "started stub process" in server.output
