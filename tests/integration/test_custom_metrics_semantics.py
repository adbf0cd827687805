"""Triton's custom-metric semantics, checked from inside a model by the real server.

The model tests/models/custom_metrics_semantics runs its unittest suite in execute(), scraping the server's
/metrics at the URL we pass as the request parameter "metrics_url", and answers OUTPUT0 = [True] only when
every test passed. On failure the server output holds the unittest report and one log line per failure.
"""

import re

import pytest
import tritonclient.http as httpclient

from jepserve_process import TEST_MODELS, JepServe, make_repository

MODEL = "custom_metrics_semantics"


@pytest.fixture(scope="module", params=["inprocess", "process"])
def server(request):
    """The same suite in both isolation modes: in a stub, metrics cross to the server's registry."""
    repository = make_repository(TEST_MODELS / MODEL)
    with JepServe([repository], extra_args=["--python-isolation", request.param]) as running:
        yield running


def run_semantics(server):
    with httpclient.InferenceServerClient(server.url, network_timeout=300) as client:
        result = client.infer(MODEL, [], parameters={"metrics_url": server.metrics_url})
    return result.as_numpy("OUTPUT0").tolist()


def test_custom_metrics_semantics_pass_inside_the_model(server):
    assert run_semantics(server) == [True], server.output
    # The suite really ran (its report goes to the server's stderr).
    assert re.search(r"Ran [1-9][0-9]* tests", server.output), server.output


def test_custom_metrics_semantics_pass_again(server):
    # The tests clean up after themselves: a second run in the same server sees the same results.
    assert run_semantics(server) == [True], server.output
