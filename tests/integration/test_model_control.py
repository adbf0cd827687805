"""Model control: explicit load, unload and reload over HTTP and gRPC, config and file overrides, the
repository index, refusals, reloads without failed requests (explicit and poll mode), and /metrics after an
unload."""

import json
import shutil
import threading

import numpy as np
import pytest
import requests
import tritonclient.grpc as grpcclient
import tritonclient.http as httpclient
from tritonclient.utils import InferenceServerException

from jepserve_process import TEST_MODELS, JepServe, make_repository, wait_until

CONFIG = {
    "backend": "python",
    "input": [{"name": "X", "data_type": "TYPE_INT32", "dims": [1]}],
    "output": [{"name": "Y", "data_type": "TYPE_INT32", "dims": [1]}],
    "instance_group": [{"count": 1, "kind": "KIND_CPU"}],
}


def infer(client, module, model, x, version=""):
    inp = module.InferInput("X", [1], "INT32")
    inp.set_data_from_numpy(np.array([x], dtype=np.int32))
    return int(client.infer(model, [inp], model_version=version).as_numpy("Y")[0])


def index(server):
    return requests.post("http://%s/v2/repository/index" % server.url).json()


def set_offset(repository, offset):
    model = repository / "control_offset" / "1" / "model.py"
    text = model.read_text()
    start = text.index("OFFSET = ")
    end = text.index("\n", start)
    model.write_text(text[:start] + "OFFSET = %d" % offset + text[end:])


@pytest.fixture(scope="module")
def explicit_server():
    repository = make_repository(TEST_MODELS / "control_offset", TEST_MODELS / "control_versions")
    server = JepServe([repository], ["--model-control-mode", "explicit", "--load-model", "control_offset"])
    server.wait_live()
    yield server
    server.stop()


def test_explicit_start_loads_only_the_named_models(explicit_server):
    entries = index(explicit_server)
    assert {"name": "control_offset", "version": "1", "state": "READY"} in entries
    assert {"name": "control_versions"} in entries
    ready = requests.post("http://%s/v2/repository/index" % explicit_server.url, json={"ready": True}).json()
    assert ready == [{"name": "control_offset", "version": "1", "state": "READY"}]
    assert requests.get("http://%s/v2/health/ready" % explicit_server.url).status_code == 200
    with httpclient.InferenceServerClient(explicit_server.url) as client:
        assert client.get_model_repository_index() == entries


def test_load_unload_and_version_policy_over_http(explicit_server):
    with httpclient.InferenceServerClient(explicit_server.url) as client:
        assert not client.is_model_ready("control_versions")
        client.load_model("control_versions")
        assert client.is_model_ready("control_versions")
        # latest { num_versions: 2 }: versions 2 and 3 serve, 3 by default.
        assert infer(client, httpclient, "control_versions", 1) == 301
        assert infer(client, httpclient, "control_versions", 1, "2") == 201
        with pytest.raises(InferenceServerException, match="version 1 is not found"):
            infer(client, httpclient, "control_versions", 1, "1")
        states = {e.get("version"): e.get("state") for e in index(explicit_server) if e["name"] == "control_versions"}
        assert states == {"2": "READY", "3": "READY"}

        client.unload_model("control_versions")
        wait_until(lambda: all(e.get("state") == "UNAVAILABLE" for e in index(explicit_server)
                               if e["name"] == "control_versions"), what="control_versions unloaded")
        entries = [e for e in index(explicit_server) if e["name"] == "control_versions"]
        assert entries == [{"name": "control_versions", "version": "2", "state": "UNAVAILABLE", "reason": "unloaded"},
                           {"name": "control_versions", "version": "3", "state": "UNAVAILABLE", "reason": "unloaded"}]
        with pytest.raises(InferenceServerException, match="has no available versions"):
            infer(client, httpclient, "control_versions", 1)
        # Unloaded on request: the server stays ready.
        assert client.is_server_ready()


def test_config_override_picks_versions(explicit_server):
    with httpclient.InferenceServerClient(explicit_server.url) as client:
        config = dict(CONFIG, version_policy={"specific": {"versions": [1]}})
        client.load_model("control_versions", config=json.dumps(config))
        assert infer(client, httpclient, "control_versions", 5) == 105
        assert client.is_model_ready("control_versions", "1")
        with pytest.raises(InferenceServerException, match="at least one version must be available"):
            client.load_model("control_versions",
                              config=json.dumps(dict(CONFIG, version_policy={"specific": {"versions": [7]}})))
        # A failed reload keeps what served.
        assert infer(client, httpclient, "control_versions", 5) == 105
        with pytest.raises(InferenceServerException, match="Invalid config override"):
            client.load_model("control_versions", config='{"no_such_field": 1}')
        client.unload_model("control_versions")


def test_file_override_and_refused_paths(explicit_server):
    source = (TEST_MODELS / "control_offset" / "1" / "model.py").read_text().replace("OFFSET = 1", "OFFSET = 50")
    with httpclient.InferenceServerClient(explicit_server.url) as client:
        with pytest.raises(InferenceServerException, match="'config' must be specified"):
            client.load_model("control_offset", files={"file:1/model.py": source.encode()})
        for bad in ("file:../escape.py", "file:/etc/escape.py", "file:1/../../escape.py"):
            with pytest.raises(InferenceServerException, match="Invalid file parameter") as refused:
                client.load_model("control_offset", config=json.dumps(CONFIG), files={bad: b"x = 1"})
            assert "/tmp" not in str(refused.value)
        assert infer(client, httpclient, "control_offset", 1) == 2
        client.load_model("control_offset", config=json.dumps(CONFIG), files={"file:1/model.py": source.encode()})
        assert infer(client, httpclient, "control_offset", 1) == 51
        # Loading again without overrides goes back to the repository's files.
        client.load_model("control_offset")
        assert infer(client, httpclient, "control_offset", 1) == 2


def test_invalid_names_are_refused(explicit_server):
    with httpclient.InferenceServerClient(explicit_server.url) as client:
        for name in ("no_such_model", "..", "control_offset/..", "%2e%2e"):
            with pytest.raises(InferenceServerException) as refused:
                client.load_model(name)
            assert refused.value.status() in ("500", "400", "404"), (name, refused.value)
        with pytest.raises(InferenceServerException, match="failed to poll from model repository"):
            client.load_model("no_such_model")
        # Unloading what is not loaded does nothing.
        client.unload_model("no_such_model")
    assert requests.post("http://%s/v2/repository/other/models/control_offset/load" % explicit_server.url).status_code == 501
    assert requests.post("http://%s/v2/repository/index" % explicit_server.url, json={"ready": 3}).status_code == 400


def test_load_unload_and_overrides_over_grpc(explicit_server):
    client = grpcclient.InferenceServerClient(explicit_server.grpc_url)
    try:
        client.load_model("control_versions")
        assert client.is_model_ready("control_versions", "3")
        assert infer(client, grpcclient, "control_versions", 2) == 302
        states = {(m.name, m.version): m.state for m in client.get_model_repository_index().models}
        assert states[("control_versions", "3")] == "READY"
        config = dict(CONFIG, version_policy={"specific": {"versions": [2]}})
        source = (TEST_MODELS / "control_versions" / "2" / "model.py").read_text().replace("100 *", "1000 *")
        client.load_model("control_versions", config=json.dumps(config), files={"file:2/model.py": source.encode()})
        assert infer(client, grpcclient, "control_versions", 2) == 2002
        with pytest.raises(InferenceServerException, match="Invalid file parameter"):
            client.load_model("control_versions", config=json.dumps(config), files={"file:../x.py": b""})
        with pytest.raises(InferenceServerException, match="failed to poll from model repository"):
            client.load_model("no_such_model")
        client.unload_model("control_versions")
        wait_until(lambda: not client.is_model_ready("control_versions", "2"), what="unloaded over gRPC")
    finally:
        client.close()


def test_mutation_is_refused_outside_explicit_mode():
    repository = make_repository(TEST_MODELS / "control_offset")
    with JepServe([repository]) as server:
        with httpclient.InferenceServerClient(server.url) as client:
            for call in (lambda: client.load_model("control_offset"), lambda: client.unload_model("control_offset")):
                with pytest.raises(InferenceServerException,
                                   match="explicit model load / unload is not allowed if polling is enabled") as e:
                    call()
                assert e.value.status() == "503"
        grpc = grpcclient.InferenceServerClient(server.grpc_url)
        with pytest.raises(InferenceServerException, match="StatusCode.UNAVAILABLE"):
            grpc.load_model("control_offset")
        grpc.close()
        assert index(server) == [{"name": "control_offset", "version": "1", "state": "READY"}]


class Traffic:
    """Sends requests one after another from a thread, counting failures and remembering the last answers."""

    def __init__(self, client, module):
        self.client, self.module = client, module
        self.failures, self.answers, self.sent = [], [], 0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)

    def run(self):
        while not self.stop.is_set():
            try:
                self.answers.append(infer(self.client, self.module, "control_offset", 10))
            except Exception as error:  # noqa: BLE001 (every failure counts)
                self.failures.append(str(error))
            self.sent += 1

    def __enter__(self):
        self.thread.start()
        wait_until(lambda: self.sent >= 20, what="traffic")
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join(30)


@pytest.mark.parametrize("isolation", ["inprocess", "process"])
def test_explicit_reload_under_load_fails_no_request(isolation):
    repository = make_repository(TEST_MODELS / "control_offset")
    with JepServe([repository], ["--model-control-mode", "explicit", "--load-model", "*",
                                 "--python-isolation", isolation]) as server:
        with httpclient.InferenceServerClient(server.url) as client, \
                httpclient.InferenceServerClient(server.url) as control:
            with Traffic(client, httpclient) as traffic:
                set_offset(repository, 2)
                control.load_model("control_offset")
                count = traffic.sent
                wait_until(lambda: traffic.sent > count + 20, what="traffic after the reload")
            assert traffic.failures == []
            assert traffic.answers[-1] == 12
            assert 11 in traffic.answers
        output = server.output
        assert output.index("initialize with OFFSET=2") < output.index("finalize with OFFSET=1")


def test_poll_reload_under_load_fails_no_request():
    repository = make_repository(TEST_MODELS / "control_offset")
    with JepServe([repository], ["--model-control-mode", "poll", "--repository-poll-secs", "1"]) as server:
        client = grpcclient.InferenceServerClient(server.grpc_url)
        try:
            with Traffic(client, grpcclient) as traffic:
                set_offset(repository, 7)
                wait_until(lambda: traffic.answers and traffic.answers[-1] == 17, timeout=60,
                           what="the edited model.py to serve")
                count = traffic.sent
                wait_until(lambda: traffic.sent > count + 20, what="traffic after the reload")
            assert traffic.failures == []
            assert 11 in traffic.answers
            # A new version directory is seen too; the policy (latest 1) serves it instead of version 1.
            shutil.copytree(repository / "control_offset" / "1", repository / "control_offset" / "2",
                            ignore=shutil.ignore_patterns("__pycache__"))
            set_offset(repository, 9)  # version 1 changes too; version 2 keeps OFFSET = 7
            wait_until(lambda: {m.version: m.state for m in client.get_model_repository_index().models
                                if m.name == "control_offset"} == {"1": "UNAVAILABLE", "2": "READY"},
                       timeout=60, what="version 2 to replace version 1")
            assert infer(client, grpcclient, "control_offset", 10) == 17
            # A model directory removed from the repository unloads.
            shutil.rmtree(repository / "control_offset")
            wait_until(lambda: not client.is_model_ready("control_offset"), timeout=60, what="poll unload")
        finally:
            client.close()


def test_unload_removes_the_model_series_and_keeps_a_shared_family():
    repository = make_repository(TEST_MODELS / "unload_metrics_a")
    shutil.copytree(repository / "unload_metrics_a", repository / "unload_metrics_b")
    with JepServe([repository], ["--model-control-mode", "explicit", "--load-model", "*"]) as server:
        with httpclient.InferenceServerClient(server.url) as client:
            for model in ("unload_metrics_a", "unload_metrics_b"):
                inp = httpclient.InferInput("X", [1], "INT32")
                inp.set_data_from_numpy(np.array([1], dtype=np.int32))
                client.infer(model, [inp])
            before = requests.get(server.metrics_url).text
            assert 'unload_test_requests{model="unload_metrics_a"} 1' in before
            client.unload_model("unload_metrics_a")
            wait_until(lambda: 'model="unload_metrics_a"' not in requests.get(server.metrics_url).text,
                       what="unload_metrics_a's series to go")
            after = requests.get(server.metrics_url).text
            assert 'unload_test_requests{model="unload_metrics_b"} 1' in after
            assert 'nv_inference_request_success{model="unload_metrics_b",version="1"} 1' in after
            # Reloading b keeps its series continuous (the counter is not reset by a reload).
            (repository / "unload_metrics_b" / "1" / "model.py").write_text(
                (repository / "unload_metrics_b" / "1" / "model.py").read_text() + "\n# edited\n")
            client.load_model("unload_metrics_b")
            assert 'nv_inference_request_success{model="unload_metrics_b",version="1"} 1' in \
                requests.get(server.metrics_url).text
            assert server.wait_for_output("successfully unloaded 'unload_metrics_b' version 1")
            # The old instances are gone; the new ones (same instance names) keep the shared custom series.
            assert 'unload_test_requests{model="unload_metrics_b"} 1' in requests.get(server.metrics_url).text


def test_index_shows_loading_and_unloading():
    repository = make_repository(TEST_MODELS / "control_slow")
    with JepServe([repository], ["--model-control-mode", "explicit"]) as server:
        assert index(server) == [{"name": "control_slow"}]
        with httpclient.InferenceServerClient(server.url, network_timeout=60) as client:
            loader = threading.Thread(target=client.load_model, args=("control_slow",))
            loader.start()
            wait_until(lambda: {"name": "control_slow", "version": "1", "state": "LOADING"} in index(server),
                       what="LOADING")
            assert not requests.get("http://%s/v2/health/ready" % server.url).ok
            loader.join(60)
        assert index(server) == [{"name": "control_slow", "version": "1", "state": "READY"}]
        grpc = grpcclient.InferenceServerClient(server.grpc_url)
        try:
            grpc.unload_model("control_slow")
            states = [m.state for m in grpc.get_model_repository_index().models]
            assert states == ["UNLOADING"]
            wait_until(lambda: [m.reason for m in grpc.get_model_repository_index().models] == ["unloaded"],
                       what="unloaded")
            assert grpc.is_server_ready()
        finally:
            grpc.close()


def test_explicit_start_refuses_unknown_and_mixed_wildcard_models():
    repository = make_repository(TEST_MODELS / "control_offset")
    for args, line in ((["--load-model", "nope"], "failed to poll model 'nope': model not found in any model repository"),
                       (["--load-model", "*", "--load-model", "control_offset"],
                        "Wildcard model name '*' must be the ONLY startup model if specified at all.")):
        server = JepServe([repository], ["--model-control-mode", "explicit"] + args)
        try:
            assert server.process.wait(120) == 1
            assert line in server.output
        finally:
            server.stop()
