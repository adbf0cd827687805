"""tritonserver's command line: the real jar started the way Triton's docs and KServe's runtime start
tritonserver, then checked for serving, warning lines, exit statuses and one-line errors.

Every server gets free ports, including the gRPC one: nothing listens there yet, but once the gRPC endpoint
exists these tests must not collide with other servers."""

import os
import re
import signal
import socket
import subprocess
import threading

import numpy as np
import requests
import tritonclient.http as httpclient

from jepserve_process import EXAMPLES, JAR, PROJECT, VENV, JepServe, free_port, java_command, make_repository

# The embedded Python comes from the environment, so the command lines below stay tritonserver's own.
ENV = dict(os.environ, JEPSERVE_PYTHON=str(VENV))


class TritonCommandLine(JepServe):
    """The jar started with exactly the given tritonserver arguments (JepServe adds flags of its own)."""

    def __init__(self, args, http_port, command=None):
        self.http_port = http_port
        self.url = "localhost:%d" % http_port
        self._lines = []
        self._lock = threading.Lock()
        command = command or [java_command(), "-jar", str(JAR)]
        self.process = subprocess.Popen(command + list(args), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                        stdin=subprocess.DEVNULL, env=ENV, preexec_fn=default_interrupt)
        self._reader = threading.Thread(target=self._read_output, daemon=True)
        self._reader.start()

    def signal(self, signum, timeout=60):
        """Sends a signal and returns the exit status once the process has ended."""
        self.process.send_signal(signum)
        try:
            return self.process.wait(timeout)
        finally:
            self._reader.join(5)


def default_interrupt():
    """SIGINT as a terminal delivers it. A suite started in the background by a non-interactive shell inherits
    SIGINT ignored, and a JVM started with SIGINT ignored keeps it so (its handler is never installed), so the
    SIGINT test would wait in vain."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def run_to_end(args, timeout=120):
    """Runs the jar to its end; returns (exit status, combined output)."""
    done = subprocess.run([java_command(), "-jar", str(JAR)] + list(args), stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=ENV, timeout=timeout)
    return done.returncode, done.stdout.decode("utf-8", "replace")


def assert_serves_add_sub(server):
    assert requests.get("http://%s/v2/health/ready" % server.url, timeout=5).status_code == 200
    a = np.arange(4, dtype=np.float32)
    b = np.ones(4, dtype=np.float32)
    inputs = [httpclient.InferInput("INPUT0", [4], "FP32"), httpclient.InferInput("INPUT1", [4], "FP32")]
    inputs[0].set_data_from_numpy(a)
    inputs[1].set_data_from_numpy(b)
    with httpclient.InferenceServerClient(server.url) as client:
        result = client.infer("add_sub", inputs)
    np.testing.assert_allclose(result.as_numpy("OUTPUT0"), a + b)
    np.testing.assert_allclose(result.as_numpy("OUTPUT1"), a - b)


def warning_lines(output):
    return [line for line in output.splitlines() if line.startswith("W")]


def test_the_command_line_of_tritons_docs_serves_warns_and_exits_0_on_sigterm():
    repository = make_repository(EXAMPLES / "add_sub")
    http_port = free_port()
    server = TritonCommandLine([
        "--model-repository=%s" % repository, "--backend-directory=/opt/tritonserver/backends",
        "--backend-config=python,shm-default-byte-size=1048576", "--grpc-port=%d" % free_port(),
        "--http-port=%d" % http_port, "--metrics-port=%d" % free_port(), "--allow-grpc=true", "--log-verbose=1",
        "--model-control-mode=none", "--strict-readiness=false", "--exit-on-error=true",
        "--metrics-config=summary_latencies=true"], http_port).wait_live()
    try:
        assert_serves_add_sub(server)
    finally:
        exit_code = server.signal(signal.SIGTERM)
    output = server.output
    assert exit_code == 0, output
    assert "add_sub: finalized" in output
    warnings = warning_lines(output)
    assert any("--backend-directory=/opt/tritonserver/backends: no effect here" in w for w in warnings), output
    # gRPC serves: its flags need no warning.
    assert not any("grpc" in w for w in warnings), output
    assert any("--backend-config=python,shm-default-byte-size=1048576: not implemented yet" in w
               for w in warnings), output
    # Summaries are implemented: no warning.
    assert not any("--metrics-config" in w for w in warnings), output
    # none is what jepserve does: nothing to warn about.
    assert "--model-control-mode" not in output
    assert len(warnings) == 2, warnings


def test_kserves_command_line_serves_and_exits_0_on_sigint():
    repository = make_repository(EXAMPLES / "add_sub")
    http_port = free_port()
    # KServe's Triton runtime arguments, plus a free metrics port (its default 8002 may be taken here).
    server = TritonCommandLine([
        "--model-store=%s" % repository, "--grpc-port=%d" % free_port(), "--http-port=%d" % http_port,
        "--allow-grpc=true", "--allow-http=true", "--metrics-port=%d" % free_port()], http_port).wait_live()
    try:
        assert_serves_add_sub(server)
    finally:
        exit_code = server.signal(signal.SIGINT)
    assert exit_code == 0, server.output
    assert "add_sub: finalized" in server.output


def test_log_flags_and_model_config_name(tmp_path):
    repository = make_repository(EXAMPLES / "add_sub")
    custom = repository / "add_sub" / "configs" / "variant.pbtxt"
    custom.parent.mkdir()
    custom.write_text((repository / "add_sub" / "config.pbtxt").read_text()
                      + '\nparameters { key: "variant" value { string_value: "custom" } }\n')
    log_file = tmp_path / "triton.log"
    http_port = free_port()
    # Values as separate arguments, booleans spelled as tritonserver allows.
    server = TritonCommandLine([
        "--model-repository", str(repository), "--http-port", str(http_port), "--metrics-port", str(free_port()),
        "--grpc-port", str(free_port()), "--log-file", str(log_file), "--log-info", "off", "--log-format", "ISO8601",
        "--cuda-memory-pool-byte-size", "0:67108864", "--model-config-name", "variant"], http_port).wait_live()
    try:
        assert_serves_add_sub(server)
        config = requests.get("http://%s/v2/models/add_sub/config" % server.url, timeout=5).json()
        assert config["parameters"]["variant"] == {"string_value": "custom"}
    finally:
        exit_code = server.signal(signal.SIGTERM)
    assert exit_code == 0, server.output
    logged = log_file.read_text()
    assert re.search(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ W \d+ Main\.java:\d+\] --cuda-memory-pool-byte-size=0:67108864: "
                     r"no effect here", logged, re.MULTILINE), logged
    assert not re.search(r"Z I ", logged), "--log-info off still logged info lines:\n" + logged
    assert "no effect here" not in server.output
    assert "Started HTTPService" not in server.output


def test_a_missing_model_repository_is_one_line_and_exit_1():
    code, output = run_to_end(["--model-repository=/nonexistent/models", "--http-port=%d" % free_port(),
                               "--metrics-port=%d" % free_port()])
    assert code == 1, output
    assert output.strip() == "error: model repository path '/nonexistent/models' does not exist", output


def test_a_port_in_use_is_one_line_and_exit_1():
    repository = make_repository(EXAMPLES / "add_sub")
    with socket.socket() as taken:
        taken.bind(("0.0.0.0", 0))
        taken.listen()
        port = taken.getsockname()[1]
        code, output = run_to_end(["--model-repository=%s" % repository, "--http-port=%d" % port,
                                   "--metrics-port=%d" % free_port(), "--grpc-port=%d" % free_port()])
    assert code == 1, output
    errors = [line for line in output.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, output
    assert errors[0].startswith("error: failed to start HTTP service: Socket '0.0.0.0:%d' already in use" % port)
    assert "Exception" not in output and "\tat " not in output, output


def test_an_unknown_flag_is_one_line_and_exit_2():
    code, output = run_to_end(["--model-repository=/models", "--no-such-flag=1"])
    assert code == 2, output
    assert output.strip().splitlines() == [
        "jepserve: Unknown option: '--no-such-flag=1' (jepserve --help lists the flags)"]


def test_two_endpoints_on_one_port_is_one_line_and_exit_2():
    code, output = run_to_end(["--model-repository=/models", "--http-port=8001"])
    assert code == 2, output
    assert output.strip() == ("jepserve: HTTP and gRPC cannot both listen on 0.0.0.0:8001 "
                              "(jepserve --help lists the flags)"), output


def test_a_bad_value_is_one_line_and_exit_2():
    code, output = run_to_end(["--model-repository=/models", "--exit-on-error=maybe"])
    assert code == 2, output
    assert len(output.strip().splitlines()) == 1 and "maybe" in output, output


def test_help_lists_every_flag_of_the_readme_with_defaults():
    code, output = run_to_end(["--help"])
    assert code == 0, output
    readme = (PROJECT / "README.md").read_text()
    table = readme[readme.index("<!-- flag table"):readme.index("<!-- end of flag table")]
    flags = set(re.findall(r"`(--[a-z0-9-]+)", table))
    assert len(flags) >= 87
    missing = [flag for flag in flags if flag not in output]
    assert not missing, missing
    text = " ".join(output.split())
    for default in ("(default: 8000)", "(default: 8001)", "(default: 8002)", "(default: none)"):
        assert default in text


def test_bin_jepserve_with_flags_but_no_repository_serves_the_examples():
    http_port = free_port()
    # Free ports only: bin/test passes while other programs hold 8000-8002.
    server = TritonCommandLine(["--http-port=%d" % http_port, "--metrics-port=%d" % free_port(),
                                "--grpc-port=%d" % free_port()], http_port,
                               command=[str(PROJECT / "bin" / "jepserve")]).wait_live()
    try:
        assert requests.get("http://%s/v2/models/add_sub/ready" % server.url, timeout=5).status_code == 200
        assert requests.get("http://%s/v2/models/custom_metrics/ready" % server.url, timeout=5).status_code == 200
    finally:
        exit_code = server.signal(signal.SIGTERM)
    assert exit_code == 0, server.output
