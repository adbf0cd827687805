"""The server log as Triton writes it, and the logging extension (GET/POST /v2/logging, the LogSettings RPC)."""

import re

import grpc
import numpy as np
import pytest
import requests
import tritonclient.grpc as grpcclient
import tritonclient.http as httpclient
from tritonclient.grpc import service_pb2, service_pb2_grpc
from tritonclient.utils import InferenceServerException

from jepserve_process import TEST_MODELS, JepServe, make_repository

# <L><MMDD> <HH:MM:SS.uuuuuu> <pid> <file>:<line>] <message>
DEFAULT_LINE = re.compile(r"^([IWEV])(\d{2})(\d{2}) (\d{2}):(\d{2}):(\d{2})\.(\d{6}) (\d+) ([\w.-]+):(\d+)\] (.*)$")
# <YYYY-MM-DD>T<HH:MM:SS>Z <L> <pid> <file>:<line>] <message>
ISO8601_LINE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})Z ([IWEV]) (\d+) ([\w.-]+):(\d+)\] (.*)$")
SETTINGS_KEYS = ["log_file", "log_info", "log_warning", "log_error", "log_verbose_level", "log_format"]


def start(*args):
    repository = make_repository(TEST_MODELS / "chatty", TEST_MODELS / "execute_raises", TEST_MODELS / "init_raises")
    # init_raises never loads: keep serving the others.
    return JepServe([repository], ["--exit-on-error", "false"] + list(args)).wait_live()


@pytest.fixture(scope="module")
def server():
    server = start()
    yield server
    server.stop()


@pytest.fixture(params=["process", "inprocess"])
def fresh_server(request):
    """A server of the test's own, for tests that change the log settings, in both isolation modes: a change
    reaches the models' already running stub processes too (pb_utils.Logger in a stub honours it)."""
    server = start("--python-isolation", request.param)
    yield server
    server.stop()


def send_tag(server, tag):
    with httpclient.InferenceServerClient(server.url) as client:
        inp = httpclient.InferInput("TAG", [1], "BYTES")
        inp.set_data_from_numpy(np.array([tag.encode()], dtype=np.object_))
        client.infer("chatty", [inp])


def send_x(server, x):
    with httpclient.InferenceServerClient(server.url) as client:
        inp = httpclient.InferInput("X", [1], "INT32")
        inp.set_data_from_numpy(np.array([x], dtype=np.int32))
        return client.infer("execute_raises", [inp])


def log_lines(server, pattern=DEFAULT_LINE):
    return [m for m in (pattern.match(line) for line in server.output.splitlines()) if m]


def test_server_lines_carry_the_level_letter_time_pid_and_java_source(server):
    lines = log_lines(server)
    started = [m for m in lines if "Started HTTPService at" in m.group(11)]
    assert started, server.output
    line = started[0]
    assert line.group(1) == "I"
    assert 1 <= int(line.group(2)) <= 12 and 1 <= int(line.group(3)) <= 31
    assert int(line.group(8)) == server.process.pid
    assert line.group(9) == "Server.java" and int(line.group(10)) > 0
    # Microseconds, not milliseconds padded with zeros: not every line ends in 000.
    assert any(not m.group(7).endswith("000") for m in lines), server.output


def test_model_logger_lines_name_the_model_file_and_line(server):
    send_tag(server, "format-check")
    assert server.wait_for_output("error line for format-check", timeout=10)
    by_message = {m.group(11): m for m in log_lines(server)}
    assert by_message["info line for format-check"].group(1) == "I"
    assert by_message["warning line for format-check"].group(1) == "W"
    assert by_message["error line for format-check"].group(1) == "E"
    for message in ("info line for format-check", "error line for format-check"):
        assert by_message[message].group(9) == "model.py"
    # Verbose is off by default.
    assert "verbose line for format-check" not in server.output


def test_iso8601_format():
    server = start("--log-format", "ISO8601")
    try:
        lines = log_lines(server, ISO8601_LINE)
        assert any("Started HTTPService at" in m.group(11) and m.group(9) == "Server.java" for m in lines), \
            server.output
        assert not log_lines(server, DEFAULT_LINE)
    finally:
        server.stop()


def test_an_execute_that_raises_logs_an_error_line_and_the_client_sees_only_model_frames(server):
    with pytest.raises(InferenceServerException) as error:
        send_x(server, -1)
    message = error.value.message()
    assert "ValueError: negative input -1 is not allowed" in message
    assert "model.py(" in message and "execute" in message
    for internal in ("jepserve_", "triton_python_backend_utils", "dev.jepserve", "java."):
        assert internal not in message, message
    assert server.wait_for_output("negative input -1 is not allowed", timeout=10)
    errors = [m for m in log_lines(server) if m.group(1) == "E" and "negative input -1" in m.group(11)]
    assert errors, server.output
    assert errors[0].group(9) == "model.py"
    assert "Failed to process the request(s) for model 'execute_raises" in errors[0].group(11)
    # The model's frames follow the error line, as in the reply.
    assert re.search(r"At:\n\s+\S*model\.py\(\d+\): execute", server.output), server.output


def test_an_initialize_that_raises_logs_an_error_line(server):
    errors = [m.group(11) for m in log_lines(server) if m.group(1) == "E" and "init_raises" in m.group(11)]
    assert errors, server.output
    assert "RuntimeError: weights file is missing for init_raises" in server.output
    assert "jepserve_runtime" not in server.output


def test_no_per_request_lines_at_verbose_0(server):
    send_tag(server, "quiet")
    assert server.wait_for_output("info line for quiet", timeout=10)
    assert not [m for m in log_lines(server) if m.group(1) == "V"], server.output
    assert "HTTP request:" not in server.output


def test_per_request_lines_at_verbose_1():
    server = start("--log-verbose", "1")
    try:
        send_tag(server, "loud")
        assert server.wait_for_output("final response sent", timeout=10), server.output
        verbose = [m.group(11) for m in log_lines(server) if m.group(1) == "V"]
        assert any(line.startswith("HTTP request: POST /v2/models/chatty/infer") for line in verbose), verbose
        assert any("model 'chatty', instance 'chatty_0': executing 1 request(s)" in line for line in verbose), verbose
        assert any("final response sent" in line for line in verbose), verbose
        assert "verbose line for loud" in verbose
    finally:
        server.stop()


def test_server_metadata_lists_the_logging_extension(server):
    assert "logging" in requests.get("http://%s/v2" % server.url).json()["extensions"]


def test_get_logging_answers_tritons_keys_in_order(server):
    reply = requests.get("http://%s/v2/logging" % server.url)
    assert reply.status_code == 200
    assert list(reply.json()) == SETTINGS_KEYS
    assert reply.json() == {"log_file": "", "log_info": True, "log_warning": True, "log_error": True,
                            "log_verbose_level": 0, "log_format": "default"}


def test_verbose_level_changes_at_run_time_over_http(fresh_server):
    with httpclient.InferenceServerClient(fresh_server.url) as client:
        send_tag(fresh_server, "before")
        assert fresh_server.wait_for_output("info line for before", timeout=10)
        settings = client.update_log_settings({"log_verbose_level": 1})
        assert settings["log_verbose_level"] == 1
        assert client.get_log_settings()["log_verbose_level"] == 1
        send_tag(fresh_server, "during")
        assert fresh_server.wait_for_output("verbose line for during", timeout=10), fresh_server.output
        assert "HTTP request: POST /v2/models/chatty/infer" in fresh_server.output
        client.update_log_settings({"log_verbose_level": 0})
        send_tag(fresh_server, "after")
        assert fresh_server.wait_for_output("info line for after", timeout=10)
    output = fresh_server.output
    assert "verbose line for before" not in output
    assert "verbose line for after" not in output


def test_levels_and_format_change_at_run_time_over_http(fresh_server):
    with httpclient.InferenceServerClient(fresh_server.url) as client:
        settings = client.update_log_settings({"log_info": False, "log_format": "ISO8601"})
        assert settings["log_info"] is False and settings["log_format"] == "ISO8601"
        send_tag(fresh_server, "iso")
        assert fresh_server.wait_for_output("error line for iso", timeout=10)
        iso_errors = [m for m in log_lines(fresh_server, ISO8601_LINE) if m.group(11) == "error line for iso"]
        assert iso_errors and iso_errors[0].group(7) == "E" and iso_errors[0].group(9) == "model.py"
        assert "info line for iso" not in fresh_server.output
        # JSON null leaves a setting as it is.
        assert client.update_log_settings({"log_info": None})["log_info"] is False


def test_verbose_level_changes_at_run_time_over_grpc(fresh_server):
    with grpcclient.InferenceServerClient(fresh_server.grpc_url) as client:
        settings = client.update_log_settings({"log_verbose_level": 1}, as_json=True)["settings"]
        assert settings["log_verbose_level"] == {"uint32_param": 1}
        logs = client.get_log_settings(as_json=True)["settings"]
        assert logs["log_verbose_level"] == {"uint32_param": 1}
        assert logs["log_format"] == {"string_param": "default"}
        inp = grpcclient.InferInput("TAG", [1], "BYTES")
        inp.set_data_from_numpy(np.array([b"grpc-on"], dtype=np.object_))
        client.infer("chatty", [inp])
        assert fresh_server.wait_for_output("verbose line for grpc-on", timeout=10), fresh_server.output
        assert "gRPC request: ModelInfer for model 'chatty'" in fresh_server.output
        client.update_log_settings({"log_verbose_level": 0})
        send_tag(fresh_server, "grpc-off")
        assert fresh_server.wait_for_output("info line for grpc-off", timeout=10)
    assert "verbose line for grpc-off" not in fresh_server.output


@pytest.mark.parametrize("body, status, text", [
    ({"log_format": "json"}, 503, "invalid argument for --log_format, got: json"),
    ({"log_file": "logs/jepserve.log"}, 501, "log file location can not be updated through network protocol"),
    ({"log_info": "yes"}, 500, "attempt to access JSON non-boolean as boolean"),
    ({"log_verbose_level": -1}, 500, "attempt to access JSON non-unsigned-integer as unsigned-integer"),
    ({"log_format": 1}, 500, "attempt to access JSON non-string as string"),
])
def test_bad_values_are_refused_over_http_with_tritons_texts(server, body, status, text):
    reply = requests.post("http://%s/v2/logging" % server.url, json=body)
    assert reply.status_code == status
    assert reply.json() == {"error": text}
    assert requests.get("http://%s/v2/logging" % server.url).json()["log_format"] == "default"


@pytest.mark.parametrize("key, value, code, text", [
    ("log_format", {"string_param": "json"}, grpc.StatusCode.INVALID_ARGUMENT,
     "invalid argument for log_format, got: json"),
    ("log_file", {"string_param": "logs/jepserve.log"}, grpc.StatusCode.UNIMPLEMENTED,
     "log file location can not be updated through network protocol"),
    ("log_info", {"uint32_param": 1}, grpc.StatusCode.INVALID_ARGUMENT, "expect boolean for 'log_info'"),
    ("log_error", {}, grpc.StatusCode.INVALID_ARGUMENT, "expect boolean for 'log_error'"),
    ("log_verbose_level", {"bool_param": True}, grpc.StatusCode.INVALID_ARGUMENT,
     "expect int32 for 'log_verbose_level'"),
    ("log_format", {"bool_param": True}, grpc.StatusCode.INVALID_ARGUMENT, "expect string for 'log_format'"),
])
def test_bad_values_are_refused_over_grpc_with_tritons_texts(server, key, value, code, text):
    request = service_pb2.LogSettingsRequest()
    request.settings[key].CopyFrom(service_pb2.LogSettingsRequest.SettingValue(**value))
    with grpc.insecure_channel(server.grpc_url) as channel:
        with pytest.raises(grpc.RpcError) as error:
            service_pb2_grpc.GRPCInferenceServiceStub(channel).LogSettings(request, timeout=10)
    assert error.value.code() == code
    assert error.value.details() == text
