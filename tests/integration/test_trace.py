"""The trace extension against the real server: settings over HTTP and gRPC (global and per model, as
tritonclient's update_trace_settings/get_trace_settings use them), Triton's JSON trace file written and parsed,
its log-frequency rotation, and OpenTelemetry spans received by a small OTLP/HTTP receiver."""

import json
import queue
import time

import numpy as np
import pytest
import requests
import tritonclient.grpc as grpcclient
import tritonclient.http as httpclient
from google.protobuf import json_format
from tritonclient.utils import InferenceServerException

from jepserve_process import EXAMPLES, JepServe, make_repository, wait_until
from otlp_receiver import OtlpReceiver

MODEL = "add_sub"
HTTP_NAMES = ["HTTP_RECV_START", "HTTP_RECV_END", "REQUEST_START", "QUEUE_START", "COMPUTE_START",
              "COMPUTE_INPUT_END", "COMPUTE_OUTPUT_START", "COMPUTE_END", "INFER_RESPONSE_COMPLETE",
              "REQUEST_END", "HTTP_SEND_START", "HTTP_SEND_END"]
GRPC_NAMES = [name.replace("HTTP_RECV", "GRPC_WAITREAD").replace("HTTP_SEND", "GRPC_SEND") for name in HTTP_NAMES]


def inputs(module, a, b):
    tensors = [module.InferInput("INPUT0", a.shape, "FP32"), module.InferInput("INPUT1", b.shape, "FP32")]
    tensors[0].set_data_from_numpy(a)
    tensors[1].set_data_from_numpy(b)
    return tensors


def infer_http(server, request_id=""):
    a = np.arange(4, dtype=np.float32)
    with httpclient.InferenceServerClient(server.url) as client:
        result = client.infer(MODEL, inputs(httpclient, a, a), request_id=request_id)
    assert np.allclose(result.as_numpy("OUTPUT0"), a + a)


def infer_grpc(server, request_id=""):
    a = np.arange(4, dtype=np.float32)
    with grpcclient.InferenceServerClient(server.grpc_url) as client:
        result = client.infer(MODEL, inputs(grpcclient, a, a), request_id=request_id)
    assert np.allclose(result.as_numpy("OUTPUT0"), a + a)


def infer_grpc_stream(server, request_id):
    a = np.arange(4, dtype=np.float32)
    results = queue.Queue()
    with grpcclient.InferenceServerClient(server.grpc_url) as client:
        client.start_stream(callback=lambda result, error: results.put((result, error)))
        client.async_stream_infer(MODEL, inputs(grpcclient, a, a), request_id=request_id)
        result, error = results.get(timeout=60)
        client.stop_stream()
    assert error is None, error
    assert np.allclose(result.as_numpy("OUTPUT0"), a + a)


def grpc_settings(client, **kwargs):
    """The gRPC answer as the HTTP extension's JSON: trace_level a list, the rest strings."""
    message = json_format.MessageToDict(client.get_trace_settings(**kwargs))["settings"]
    return {key: value["value"] if key == "trace_level" else value["value"][0] for key, value in message.items()}


@pytest.fixture
def repository():
    return make_repository(EXAMPLES / MODEL)


def test_settings_over_http_and_grpc(repository, tmp_path):
    trace_file = str(tmp_path / "global.json")
    args = ["--trace-config", "triton,file=" + trace_file, "--trace-config", "level=TIMESTAMPS",
            "--trace-config", "rate=1"]
    initial = {"trace_file": trace_file, "trace_level": ["TIMESTAMPS"], "trace_rate": "1", "trace_count": "-1",
               "log_frequency": "0", "trace_mode": "triton"}
    with JepServe([repository], args) as server:
        http = httpclient.InferenceServerClient(server.url)
        grpc = grpcclient.InferenceServerClient(server.grpc_url)
        assert http.get_trace_settings() == initial
        assert http.get_trace_settings(model_name=MODEL) == initial
        assert grpc_settings(grpc) == initial
        assert grpc_settings(grpc, model_name=MODEL) == initial
        assert "trace" in requests.get("http://%s/v2" % server.url).json()["extensions"]

        # A model's own settings; a later global change reaches what the model did not set.
        model_settings = http.update_trace_settings(model_name=MODEL,
                                                    settings={"trace_rate": "12", "log_frequency": "34"})
        assert model_settings == dict(initial, trace_rate="12", log_frequency="34")
        global_settings = http.update_trace_settings(settings={"trace_rate": "56", "trace_count": "78",
                                                               "trace_level": ["OFF"]})
        assert global_settings == dict(initial, trace_rate="56", trace_count="78", trace_level=["OFF"])
        assert http.get_trace_settings(model_name=MODEL) == dict(initial, trace_rate="12", log_frequency="34",
                                                                 trace_count="78", trace_level=["OFF"])

        # Clearing: the global settings go back to the command line's, the model's to the global ones.
        assert http.update_trace_settings(settings={"trace_rate": None, "trace_count": None}) == \
            dict(initial, trace_level=["OFF"])
        grpc.update_trace_settings(model_name=MODEL, settings={"trace_rate": None, "trace_level": None})
        assert grpc_settings(grpc, model_name=MODEL) == dict(initial, trace_level=["OFF"], log_frequency="34")

        # gRPC changes what HTTP reads, and back.
        grpc.update_trace_settings(settings={"trace_level": ["TIMESTAMPS", "TENSORS"]})
        assert http.get_trace_settings()["trace_level"] == ["TIMESTAMPS", "TENSORS"]
        http.update_trace_settings(model_name=MODEL, settings={})  # a model with no settings drops its own
        assert http.get_trace_settings(model_name=MODEL) == http.get_trace_settings()

        # Refusals: Triton's texts and codes; nothing changes.
        with pytest.raises(InferenceServerException) as refused:
            http.update_trace_settings(settings={"trace_file": "elsewhere.json"})
        assert "trace file location can not be updated through network protocol" in str(refused.value)
        with pytest.raises(InferenceServerException) as refused:
            grpc.update_trace_settings(settings={"trace_file": "elsewhere.json"})
        assert "trace file location can not be updated" in str(refused.value)
        assert "UNIMPLEMENTED" in str(refused.value.status())
        reply = requests.post("http://%s/v2/trace/setting" % server.url, json={"trace_rate": "fast"})
        assert reply.status_code == 400 and "trace_rate" in reply.json()["error"]
        reply = requests.post("http://%s/v2/trace/setting" % server.url, json={"trace_level": ["LOUD"]})
        assert reply.status_code == 400 and "LOUD" in reply.json()["error"]
        reply = requests.post("http://%s/v2/trace/setting" % server.url, json={"no_such_setting": "1"})
        assert reply.status_code == 400 and "no_such_setting" in reply.json()["error"]
        assert http.get_trace_settings()["trace_file"] == trace_file
        with pytest.raises(InferenceServerException) as unknown:
            http.get_trace_settings(model_name="no_such_model")
        assert "no_such_model" in str(unknown.value)
        with pytest.raises(InferenceServerException) as unknown:
            grpc.update_trace_settings(model_name="no_such_model", settings={"trace_rate": "2"})
        assert "no_such_model" in str(unknown.value)
        http.close()
        grpc.close()


def test_trace_file_written_at_exit(repository, tmp_path):
    trace_file = tmp_path / "trace.json"
    # The deprecated flags, as older scripts pass them; --trace-config adds TENSORS.
    args = ["--trace-file", str(trace_file), "--trace-level", "TIMESTAMPS", "--trace-rate", "1",
            "--trace-config", "level=TENSORS"]
    server = JepServe([repository], args).wait_live()
    try:
        infer_http(server, request_id="http-1")
        infer_grpc(server, request_id="grpc-1")
        infer_grpc_stream(server, request_id="grpc-stream-1")
        assert not trace_file.exists()  # log_frequency 0: written at exit
    finally:
        assert server.stop() == 0
    entries = json.loads(trace_file.read_text())
    heads = [entry for entry in entries if "model_name" in entry]
    assert sorted(head["request_id"] for head in heads) == ["grpc-1", "grpc-stream-1", "http-1"]
    assert all(head["model_name"] == MODEL and head["model_version"] == 1 for head in heads)
    for head in heads:
        stamps = [stamp for entry in entries if entry["id"] == head["id"] and "timestamps" in entry
                  for stamp in entry["timestamps"]]
        names = [stamp["name"] for stamp in stamps]
        expected = HTTP_NAMES if head["request_id"].startswith("http") else GRPC_NAMES
        assert sorted(names) == sorted(expected), names
        times = {stamp["name"]: stamp["ns"] for stamp in stamps}
        order = [name for name in expected if name != "INFER_RESPONSE_COMPLETE"]
        for earlier, later in zip(order, order[1:]):
            if {earlier, later} != {"REQUEST_END", expected[-2]}:  # the reply may go out before execute returns
                assert times[earlier] <= times[later], (earlier, later, times)
        tensors = {entry["activity"] + ":" + entry["tensor"]["name"]: entry["tensor"]
                   for entry in entries if entry["id"] == head["id"] and "tensor" in entry}
        assert tensors["TENSOR_QUEUE_INPUT:INPUT0"] == {"name": "INPUT0", "data": "0.0,1.0,2.0,3.0", "shape": "4",
                                                        "dtype": "FP32"}
        assert tensors["TENSOR_BACKEND_OUTPUT:OUTPUT0"]["data"] == "0.0,2.0,4.0,6.0"


def test_log_frequency_rotation_and_count(repository, tmp_path):
    trace_file = tmp_path / "rotated.json"
    args = ["--trace-config", "triton,file=%s" % trace_file, "--trace-config", "triton,log-frequency=2",
            "--trace-config", "level=TIMESTAMPS", "--trace-config", "rate=2", "--trace-config", "count=3"]
    server = JepServe([repository], args).wait_live()
    try:
        for _ in range(4):  # every 2nd request is traced: 2 traces, one full file
            infer_http(server)
        first = tmp_path / "rotated.json.0"
        wait_until(first.exists, what=str(first))
        assert len([e for e in json.loads(wait_until(lambda: first.read_text() or None)) if "model_name" in e]) == 2
        with httpclient.InferenceServerClient(server.url) as client:
            assert client.get_trace_settings()["trace_count"] == "1"
            for _ in range(6):  # one more trace, then the count is used up
                infer_http(server)
            assert client.get_trace_settings()["trace_count"] == "0"
    finally:
        assert server.stop() == 0
    rest = json.loads((tmp_path / "rotated.json.1").read_text())
    assert len([e for e in rest if "model_name" in e]) == 1
    assert not (tmp_path / "rotated.json.2").exists()


def test_opentelemetry_spans(repository):
    receiver = OtlpReceiver()
    args = ["--trace-config", "mode=opentelemetry", "--trace-config", "opentelemetry,url=" + receiver.url,
            "--trace-config", "opentelemetry,resource=service.name=jepserve_test",
            "--trace-config", "opentelemetry,resource=test.key=test.value",
            "--trace-config", "opentelemetry,bsp_schedule_delay=100",
            "--trace-config", "level=TIMESTAMPS", "--trace-config", "rate=1"]
    try:
        with JepServe([repository], args) as server:
            with httpclient.InferenceServerClient(server.url) as client:
                assert client.get_trace_settings()["trace_mode"] == "opentelemetry"
            infer_http(server, request_id="otel-1")
            spans = wait_until(lambda: len(receiver.snapshot()) >= 4 and receiver.snapshot(), what="4 spans")
            infer_grpc(server)
            wait_until(lambda: len(receiver.snapshot()) >= 8, what="8 spans")
        spans = receiver.snapshot()
    finally:
        receiver.close()
    by_trace = {}
    for span in spans:
        by_trace.setdefault(span["traceId"], []).append(span)
    assert len(by_trace) == 2
    for trace_spans in by_trace.values():
        by_name = {span["name"]: span for span in trace_spans}
        assert sorted(by_name) == sorted(["InferRequest", MODEL, "compute", "execute"])
        root, model, compute, execute = (by_name[name] for name in ["InferRequest", MODEL, "compute", "execute"])
        assert root["parentSpanId"] == ""
        assert model["parentSpanId"] == root["spanId"]
        assert compute["parentSpanId"] == model["spanId"]
        assert execute["parentSpanId"] == compute["spanId"]
        events = {name: [event["name"] for event in by_name[name]["events"]] for name in by_name}
        protocol = "HTTP" if any(e.startswith("HTTP") for e in events["InferRequest"]) else "GRPC"
        receive = "HTTP_RECV" if protocol == "HTTP" else "GRPC_WAITREAD"
        assert sorted(events["InferRequest"]) == sorted([receive + "_START", receive + "_END",
                                                         "INFER_RESPONSE_COMPLETE", protocol + "_SEND_START",
                                                         protocol + "_SEND_END"])
        assert sorted(events[MODEL]) == sorted(["REQUEST_START", "QUEUE_START", "REQUEST_END"])
        assert sorted(events["compute"]) == sorted(["COMPUTE_START", "COMPUTE_INPUT_END", "COMPUTE_OUTPUT_START",
                                                    "COMPUTE_END"])
        assert root["startTimeUnixNano"] <= model["startTimeUnixNano"] <= compute["startTimeUnixNano"]
        assert compute["startTimeUnixNano"] <= execute["startTimeUnixNano"] <= execute["endTimeUnixNano"]
        assert execute["endTimeUnixNano"] <= compute["endTimeUnixNano"] <= root["endTimeUnixNano"]
        # Wall-clock times (OpenTelemetry's), within a minute of now.
        assert abs(root["startTimeUnixNano"] / 1e9 - time.time()) < 60
        assert model["attributes"]["model_name"] == MODEL and model["attributes"]["model_version"] == 1
        assert root["resource"]["service.name"] == "jepserve_test"
        assert root["resource"]["test.key"] == "test.value"
    request_ids = sorted(trace[0]["attributes"].get("request_id", "") for trace in
                         ([s for s in spans_ if s["name"] == MODEL] for spans_ in by_trace.values()))
    assert request_ids == ["", "otel-1"]


def test_bad_trace_config_is_one_line(repository):
    server = JepServe([repository], ["--trace-config", "level=LOUD"])
    assert server.process.wait(60) == 2
    server.stop()
    assert "level" in server.output and "LOUD" in server.output
    assert "Exception" not in server.output and "\tat " not in server.output
