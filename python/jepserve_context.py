"""Shared state of jepserve's Python side: what pb_utils, the metrics API and the runtime glue all need.

Models never import this module; they use triton_python_backend_utils. It holds:
- TritonModelException, the exception pb_utils calls raise (re-exported by pb_utils);
- the model instance whose initialize/execute/finalize is running on this thread;
- the sinks the Java server installs (log lines, custom metrics, the border's callbacks). Outside the server (plain Python, unit
  tests) no sink is installed and log lines go to stderr.
"""

import sys
import threading


class TritonModelException(Exception):
    """Raised by pb_utils calls that fail, and by models to report errors (Triton's name)."""


class InstanceContext:
    """The model instance a Python call is made for: used for error texts and to own metric series."""

    __slots__ = ("name", "model_name", "model_version", "version_dir", "owner", "serving")

    def __init__(self, name, model_name, model_version, version_dir="", owner=None):
        self.name = name
        self.model_name = model_name
        self.model_version = model_version
        self.version_dir = version_dir
        # Who owns the metric series it creates: unique per instance object, so the instance a reload
        # replaces (same name) releases only its own series.
        self.owner = owner or name
        # True between initialize() and finalize(): BLS calls are allowed only then.
        self.serving = False


_thread_state = threading.local()

# Installed once by the server (Java objects); None when running outside it.
log_sink = None
metrics_backend = None
# The server end of the border: responses, cancellation checks, "execute returned" (PythonCallbacks).
callbacks = None
# The callbacks again when they hand out output memory (allocateOutput / outputView / freeOutput): in a stub
# process, space in its shared-memory output region; in the server's own interpreter, direct memory the server
# writes to the network as it is. None outside the server.
output_region = None
# Whether the server writes later batches into the memory of a batch's inputs (a stub's input region): the
# runtime then tells it which batches' inputs a model still references (jepserve_input_holds).
input_memory_reused = False


def current_instance():
    """The InstanceContext of the running model call on this thread, or None."""
    return getattr(_thread_state, "instance", None)


def set_current_instance(context):
    """Sets (or, with None, clears) the running model instance for this thread; returns the previous one."""
    previous = getattr(_thread_state, "instance", None)
    _thread_state.instance = context
    return previous


def current_instance_owner():
    context = current_instance()
    return context.owner if context is not None else ""


def current_instance_name():
    context = current_instance()
    return context.name if context is not None else ""


def install(log, metrics, server_callbacks=None):
    """Called by the server once, before any model is imported."""
    global log_sink, metrics_backend, callbacks, output_region, input_memory_reused
    log_sink = log
    metrics_backend = metrics
    callbacks = server_callbacks
    output_region = server_callbacks if hasattr(server_callbacks, "allocateOutput") else None
    reuses = getattr(server_callbacks, "reusesInputMemory", None)
    input_memory_reused = bool(reuses()) if reuses is not None else False


def write_log(level, filename, line, message):
    """Sends one log line to the server log, or to stderr when no server is attached.

    level: 0 INFO, 1 WARNING, 2 ERROR, 3 VERBOSE (pb_utils.Logger.LogLevel values).
    """
    sink = log_sink
    if sink is not None:
        sink.log(int(level), str(filename), int(line), str(message))
        return
    letter = "IWEV"[level] if 0 <= level <= 3 else "I"
    sys.stderr.write("%s %s:%d] %s\n" % (letter, filename, line, message))
    sys.stderr.flush()
