"""pb_utils.Logger: argument checks and routing through jepserve_context.write_log."""

import pytest

import jepserve_context
import triton_python_backend_utils as pb_utils


class FakeSink:
    def __init__(self):
        self.lines = []

    def log(self, level, filename, line, message):
        self.lines.append((level, filename, line, message))


@pytest.fixture
def sink():
    fake = FakeSink()
    previous_log, previous_metrics = jepserve_context.log_sink, jepserve_context.metrics_backend
    jepserve_context.install(fake, None)
    yield fake
    jepserve_context.install(previous_log, previous_metrics)


def _line_of(marker):
    with open(__file__) as source:
        for number, text in enumerate(source, 1):
            if marker in text and "_line_of" not in text:
                return number
    raise AssertionError(marker)


def test_levels():
    levels = pb_utils.Logger.LogLevel
    assert [levels.INFO, levels.WARNING, levels.ERROR, levels.VERBOSE] == [0, 1, 2, 3]
    assert pb_utils.Logger.INFO is levels.INFO
    assert pb_utils.Logger.WARNING is levels.WARNING
    assert pb_utils.Logger.ERROR is levels.ERROR
    assert pb_utils.Logger.VERBOSE is levels.VERBOSE


def test_routing_with_caller_file_and_line(sink):
    logger = pb_utils.Logger
    logger.log("plain")  # marker-plain
    logger.log("warned", logger.WARNING)  # marker-warned
    logger.log_info("info")  # marker-info
    logger.log_warn("warn")  # marker-logwarn
    logger.log_error("error")  # marker-error
    logger.log_verbose("verbose")  # marker-verbose
    name = "test_pb_utils_logger.py"
    assert sink.lines == [
        (0, name, _line_of("marker-plain"), "plain"),
        (1, name, _line_of("marker-warned"), "warned"),
        (0, name, _line_of("marker-info"), "info"),
        (1, name, _line_of("marker-logwarn"), "warn"),
        (2, name, _line_of("marker-error"), "error"),
        (3, name, _line_of("marker-verbose"), "verbose"),
    ]
    assert all(type(level) is int for level, _, _, _ in sink.lines)


def test_argument_checks(sink):
    logger = pb_utils.Logger
    with pytest.raises(TypeError):
        logger.log("Invalid Level", None)
    with pytest.raises(TypeError):
        logger.log("Invalid Level", 1)
    for method in (logger.log_info, logger.log_warn, logger.log_error, logger.log_verbose, logger.log):
        with pytest.raises(TypeError):
            method(None)
    assert sink.lines == []
    logger.log("Level unspecified")
    assert sink.lines[0][0] == 0


def test_without_a_sink_lines_go_to_stderr(capsys):
    assert jepserve_context.log_sink is None
    pb_utils.Logger.log_error("to stderr")
    assert "E test_pb_utils_logger.py:" in capsys.readouterr().err
