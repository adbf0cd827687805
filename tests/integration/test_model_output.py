"""A model's print(), stderr and pb_utils.Logger lines reach the server's output promptly, Triton-style."""

import re

import numpy as np
import pytest
import tritonclient.http as httpclient

from jepserve_process import TEST_MODELS, JepServe, make_repository


def send_tag(server, tag):
    with httpclient.InferenceServerClient(server.url) as client:
        inp = httpclient.InferInput("TAG", [1], "BYTES")
        inp.set_data_from_numpy(np.array([tag.encode()], dtype=np.object_))
        client.infer("chatty", [inp])


@pytest.mark.parametrize("verbose", [0, 1])
def test_prints_and_log_lines_reach_the_server_output(verbose):
    repository = make_repository(TEST_MODELS / "chatty")
    server = JepServe([repository], ["--log-verbose", str(verbose)])
    with server:
        send_tag(server, "first")
        # Line-buffered: each line shows up while the server is still running, not at exit.
        for line in ("stdout line for first", "stderr line for first"):
            assert server.wait_for_output(line, timeout=10), server.output
        output = server.output
        # Logger lines carry the level letter and the model file and line, like Triton's log lines.
        assert re.search(r"^I\d{4} [\d:.]+ \d+ model\.py:\d+\] info line for first$", output, re.M), output
        assert re.search(r"^W\d{4} .* model\.py:\d+\] warning line for first$", output, re.M), output
        assert re.search(r"^E\d{4} .* model\.py:\d+\] error line for first$", output, re.M), output
        assert re.search(r"^W\d{4} .* model\.py:\d+\] explicit level line for first$", output, re.M), output
        # Verbose lines only with --log-verbose.
        assert ("verbose line for first" in output) == (verbose > 0)
    # finalize() runs at shutdown and its output is not lost.
    assert "chatty finalize ran" in server.output
