"""Triton's generate extension (/generate and /generate_stream) on the real server, with plain `requests`."""

import json

import pytest
import requests

from jepserve_process import EXAMPLES, TEST_MODELS, JepServe, make_repository

ADD_SUB = {"INPUT0": [1, 2, 3, 4], "INPUT1": [0.5, 0.25, 2, 8]}
ADD_SUB_ANSWER = {"OUTPUT0": [1.5, 2.25, 5.0, 12.0], "OUTPUT1": [0.5, 1.75, 1.0, -4.0],
                  "model_name": "add_sub", "model_version": "1"}


@pytest.fixture(scope="module")
def server():
    repository = make_repository(EXAMPLES / "add_sub", TEST_MODELS / "bytes_echo", EXAMPLES / "countdown")
    with JepServe([repository]) as running:
        yield running


def url(server, model, route):
    return "http://%s/v2/models/%s/%s" % (server.url, model, route)


def events(response):
    """The data of every server-sent event, checking the framing on the way."""
    text = response.content.decode("utf-8")
    assert text.endswith("\n\n"), text
    chunks = text[:-2].split("\n\n")
    assert all(chunk.startswith("data: ") for chunk in chunks), text
    return [json.loads(chunk[len("data: "):]) for chunk in chunks]


def test_generate_answers_with_one_flat_object(server):
    response = requests.post(url(server, "add_sub", "generate"), json=ADD_SUB)
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"] == "application/json"
    assert response.json() == ADD_SUB_ANSWER
    assert list(response.json()) == sorted(ADD_SUB_ANSWER), "keys come out sorted, as in Triton"


def test_generate_with_a_version_and_parameters(server):
    body = dict(ADD_SUB, max_tokens=16, parameters={"temperature": 0.5})
    response = requests.post(url(server, "add_sub", "versions/1/generate"), json=body)
    assert response.status_code == 200, response.text
    assert response.json()["OUTPUT0"] == ADD_SUB_ANSWER["OUTPUT0"]


def test_single_element_outputs_are_scalars(server):
    response = requests.post(url(server, "bytes_echo", "generate"), json={"TEXT": "hello"})
    assert response.status_code == 200, response.text
    assert response.json() == {"LENGTHS": 5, "UPPER": "HELLO", "model_name": "bytes_echo", "model_version": "1"}

    many = requests.post(url(server, "bytes_echo", "generate"), json={"TEXT": ["ab", "c"], "id": "q"})
    assert many.json() == {"LENGTHS": [2, 1], "UPPER": ["AB", "C"], "id": "q", "model_name": "bytes_echo",
                           "model_version": "1"}


def test_generate_stream_sends_the_response_as_an_event(server):
    with requests.post(url(server, "add_sub", "generate_stream"), json=ADD_SUB, stream=True) as response:
        assert response.status_code == 200
        assert response.headers["Content-Type"] == "text/event-stream; charset=utf-8"
        assert response.headers.get("Transfer-Encoding") == "chunked"
        assert events(response) == [ADD_SUB_ANSWER]


@pytest.mark.parametrize("route", ["generate", "generate_stream"])
def test_bad_requests_get_a_json_error(server, route):
    missing = requests.post(url(server, "add_sub", route), json={"INPUT0": [1, 2, 3, 4], "other": "param"})
    assert missing.status_code == 400
    assert missing.headers["Content-Type"] == "application/json"
    assert "expected 2 inputs but got 1" in missing.json()["error"]

    wrong_type = requests.post(url(server, "add_sub", route), json={"INPUT0": "text", "INPUT1": [1, 2, 3, 4]})
    assert wrong_type.headers["Content-Type"] == "application/json"
    assert "attempt to access JSON non-number as double" in wrong_type.json()["error"]

    duplicate = requests.post(url(server, "bytes_echo", route), data='{"TEXT": "a", "TEXT": "b"}')
    assert duplicate.status_code == 400
    assert duplicate.json()["error"] == "input 'TEXT' already exists in request"

    unknown = requests.post(url(server, "nope", route), json={})
    assert unknown.status_code == 404


def test_closing_a_stream_early_leaves_the_server_healthy(server):
    response = requests.post(url(server, "bytes_echo", "generate_stream"), json={"TEXT": "x"}, stream=True)
    response.close()
    assert requests.get("http://%s/v2/health/live" % server.url).status_code == 200
    again = requests.post(url(server, "bytes_echo", "generate"), json={"TEXT": "y"})
    assert again.json()["UPPER"] == "Y"


def test_generate_stream_on_a_decoupled_python_model_streams_every_response(server):
    response = requests.post(url(server, "countdown", "generate_stream"), json={"N": 3}, stream=True)
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"].startswith("text/event-stream")
    assert events(response) == [{"COUNT": n, "model_name": "countdown", "model_version": "1"} for n in (3, 2, 1)]


def test_generate_on_a_decoupled_model_with_one_response_answers_it(server):
    response = requests.post(url(server, "countdown", "generate"), json={"N": 1})
    assert response.status_code == 200, response.text
    assert response.json() == {"COUNT": 1, "model_name": "countdown", "model_version": "1"}


def test_generate_on_a_decoupled_model_with_several_responses_is_an_error(server):
    response = requests.post(url(server, "countdown", "generate"), json={"N": 2})
    assert response.status_code == 400, response.text
    assert response.json()["error"].startswith("generate expects model to produce exactly 1 response")


def test_an_error_response_of_a_decoupled_python_model_is_an_event(server):
    response = requests.post(url(server, "countdown", "generate_stream"), json={"N": -1}, stream=True)
    assert events(response) == [{"error": "N must not be negative, got -1"}]
