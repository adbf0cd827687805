"""The error text of a failing model method: the model's frames only, never jepserve's own modules."""

import jepserve_runtime
import triton_python_backend_utils as pb_utils


def _model_code_that_misuses_pb_utils():
    # pb_utils raises from inside its own module: its frames must not show.
    pb_utils.Tensor("", None)


def _describe(function):
    try:
        function()
    except BaseException:
        return jepserve_runtime._describe_current_exception()
    raise AssertionError("expected an exception")


def test_frames_of_the_servers_modules_are_left_out():
    text = _describe(_model_code_that_misuses_pb_utils)
    assert text.splitlines()[2] == "At:"
    assert "test_model_error_text.py(" in text and "_model_code_that_misuses_pb_utils" in text
    assert "triton_python_backend_utils" not in text
    assert "jepserve_" not in text


def test_a_model_that_does_not_parse_shows_no_import_machinery():
    text = _describe(lambda: compile("def broken(:\n", "model.py", "exec"))
    assert text.startswith("SyntaxError: ")
    assert "<frozen" not in text


def test_the_runtime_modules_are_recognised():
    assert jepserve_runtime._is_server_module("/x/jepserve_runtime.py")
    assert jepserve_runtime._is_server_module("/x/triton_python_backend_utils.py")
    assert jepserve_runtime._is_server_module("<frozen importlib._bootstrap>")
    assert not jepserve_runtime._is_server_module("/models/m/1/model.py")
