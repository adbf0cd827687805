"""jepserve's Python-side glue: loads model.py files and runs TritonPythonModel methods for the Java server.

The Java side (dev.jepserve.python) calls the functions below through Jep, always from one of its Python
worker threads. Models never see this module. Data crosses as simple values: strings, ints, lists, numpy
arrays viewing Java direct buffers (inputs) and bytes (outputs).
"""

import importlib.util
import json
import sys
import time
import traceback
import types

import numpy as np

import jepserve_context as context
import triton_python_backend_utils as pb_utils

_MODEL_CLASS = "TritonPythonModel"
_EMPTY = np.zeros(0, dtype=np.uint8)

# Loaded model modules and live model instances, keyed by names the Java side chooses.
_modules = {}
_module_contexts = {}
_instances = {}


class ModelError(Exception):
    """A model's code failed while loading; the message is complete (type, text and frames)."""


class _Instance:
    __slots__ = ("model", "context", "execute")

    def __init__(self, model, instance_context):
        self.model = model
        self.context = instance_context
        self.execute = getattr(model, "execute", None)


def bootstrap(log_sink, metrics_backend):
    """Runs once per process, before any model: the process-wide Python settings Triton's stub has."""
    sys.argv = [""]
    # Model output reaches the server's output line by line, as a terminal would show it.
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(line_buffering=True)
    context.install(log_sink, metrics_backend)


def load_module(module_key, model_file, version_dir, model_dir, model_name, model_version):
    """Imports model_file as '<package>.model', where <package> is unique to module_key.

    The package's path is the version directory, so `from . import helper` works as in Triton (which
    imports '<version>.model'); the version and model directories go on sys.path so `import helper` works.
    A module per key keeps two models' (or two instances') model.py files from colliding. While the module
    runs, pb_utils sees the model as current (get_model_dir() works at import time, as in Triton).
    """
    for directory in (version_dir, model_dir):
        if directory not in sys.path:
            sys.path.append(directory)
    package_name = "jepserve_models_" + module_key
    package = types.ModuleType(package_name)
    package.__path__ = [version_dir]
    sys.modules[package_name] = package
    module_name = package_name + ".model"
    spec = importlib.util.spec_from_file_location(module_name, model_file)
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    module_context = context.InstanceContext(model_name, model_name, model_version, version_dir)
    previous = context.set_current_instance(module_context)
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[module_name]
        del sys.modules[package_name]
        raise ModelError(_describe_current_exception())
    finally:
        context.set_current_instance(previous)
    if not hasattr(module, _MODEL_CLASS):
        raise ModelError("Python model file '%s' does not define class '%s'" % (model_file, _MODEL_CLASS))
    _modules[module_key] = module
    _module_contexts[module_key] = module_context


def has_auto_complete(module_key):
    return callable(getattr(getattr(_modules[module_key], _MODEL_CLASS), "auto_complete_config", None))


def auto_complete(module_key, model_name, config_json):
    """Calls the static TritonPythonModel.auto_complete_config; returns the completed config as JSON."""
    model_class = getattr(_modules[module_key], _MODEL_CLASS)
    previous = context.set_current_instance(_module_contexts[module_key])
    try:
        result = model_class.auto_complete_config(pb_utils.ModelConfig(config_json))
    except BaseException:
        raise ModelError(_describe_current_exception())
    finally:
        context.set_current_instance(previous)
    if not isinstance(result, pb_utils.ModelConfig):
        raise ModelError(
            "auto_complete_config function in model '%s' must return a valid pb.ModelConfig object." % model_name)
    return json.dumps(result.as_dict())


def unload_module(module_key):
    module = _modules.pop(module_key, None)
    _module_contexts.pop(module_key, None)
    if module is not None:
        sys.modules.pop(module.__name__, None)
        sys.modules.pop(module.__name__.rpartition(".")[0], None)


def create_instance(instance_key, module_key, args_items, instance_name, model_name, model_version, version_dir):
    """Instantiates TritonPythonModel and runs initialize(args); args_items is a flat [k1, v1, k2, v2, ...]."""
    args = {}
    items = list(args_items)
    for i in range(0, len(items), 2):
        args[str(items[i])] = str(items[i + 1])
    instance_context = context.InstanceContext(instance_name, model_name, model_version, version_dir)
    previous = context.set_current_instance(instance_context)
    try:
        model = getattr(_modules[module_key], _MODEL_CLASS)()
        initialize = getattr(model, "initialize", None)
        if initialize is not None:
            initialize(args)
    except BaseException:
        raise ModelError(_describe_current_exception())
    finally:
        context.set_current_instance(previous)
    _instances[instance_key] = _Instance(model, instance_context)


def finalize_instance(instance_key):
    """Runs finalize() and drops the instance, so its objects (metric families...) are released now."""
    instance = _instances.pop(instance_key, None)
    if instance is None:
        return None
    previous = context.set_current_instance(instance.context)
    error = None
    try:
        finalize = getattr(instance.model, "finalize", None)
        if finalize is not None:
            finalize()
    except BaseException:
        error = _describe_current_exception()
    finally:
        del instance
        context.set_current_instance(previous)
    return error


def execute(instance_key, metadata, buffers, is_cancelled):
    """Runs one execute() call for a batch of requests.

    metadata: JSON of a list of requests, each [request_id, correlation_id, flags, timeout_us, parameters_json,
    requested_output_names, inputs], inputs being [name, dtype_code, shape, buffer_index] entries.
    buffers: the input bytes, each a uint8 ndarray over Java memory (None for an empty tensor).
    is_cancelled: a Java object whose isCancelled(int index) tells whether request `index` was cancelled.

    Returns [results, compute_input_ns, compute_infer_ns, compute_output_ns] where each result is
    [True, outputs, parameters_json] with outputs [name, dtype_code, shape, bytes] entries,
    or [False, error_code, message] for a request that failed.
    """
    instance = _instances[instance_key]
    started = time.perf_counter_ns()
    requests = []
    requested_sets = []
    batch = json.loads(metadata)
    for index, (request_id, correlation_id, flags, timeout, parameters, requested, inputs) in enumerate(batch):
        tensors = []
        for name, code, shape, buffer_index in inputs:
            buffer = buffers[buffer_index]
            tensors.append(pb_utils.Tensor._from_wire(name, code, shape, _EMPTY if buffer is None else buffer))
        requested_sets.append(set(requested))
        requests.append(pb_utils.InferenceRequest._incoming(
            request_id, correlation_id, flags, timeout, parameters, tensors, requested,
            _cancel_check(is_cancelled, index)))
    inputs_ready = time.perf_counter_ns()

    previous = context.set_current_instance(instance.context)
    try:
        if instance.execute is None:
            message = "Python model %s does not implement `execute` method." % _model_file(instance)
            return [[[False, int(pb_utils.TritonError.INTERNAL), message] for _ in requests], inputs_ready - started, 0, 0]
        responses = instance.execute(requests)
        executed = time.perf_counter_ns()
        results = _collect_results(instance, requests, responses, requested_sets)
    except BaseException:
        executed = time.perf_counter_ns()
        message = "Failed to process the request(s) for model '%s', message: %s" % (
            instance.context.name, _describe_current_exception())
        results = [[False, int(pb_utils.TritonError.INTERNAL), message] for _ in requests]
    finally:
        context.set_current_instance(previous)
    finished = time.perf_counter_ns()
    return [results, inputs_ready - started, executed - inputs_ready, finished - executed]


def _collect_results(instance, requests, responses, requested_sets):
    """Checks execute()'s return value as Triton does and converts each response for Java."""
    if not isinstance(responses, list):
        raise _BatchError("Expected a list in the execute return, found type '%s'." % type(responses).__name__)
    if len(responses) != len(requests):
        raise _BatchError(
            "Number of InferenceResponse objects do not match the number of InferenceRequest objects. "
            "InferenceRequest(s) size is:%d, and InferenceResponse(s) size is:%d\n" % (len(requests), len(responses)))
    results = []
    for response, requested in zip(responses, requested_sets):
        if response is None:
            results.append([False, int(pb_utils.TritonError.UNSUPPORTED),
                            "Model '%s' returned None for a request; sending responses through "
                            "get_response_sender() is not supported by jepserve yet." % instance.context.name])
            continue
        if not isinstance(response, pb_utils.InferenceResponse):
            raise _BatchError("Expected an 'InferenceResponse' object in the execute function return list, "
                              "found type '%s'." % type(response).__name__)
        if response.has_error():
            error = response.error()
            results.append([False, int(error.code()), error.message()])
            continue
        outputs = [[tensor.name(), tensor.triton_dtype(), tensor.shape(), _as_bytes(tensor._wire_bytes())]
                   for tensor in response.output_tensors() if tensor.name() in requested]
        results.append([True, outputs, response.parameters()])
    return results


class _BatchError(Exception):
    """A broken execute() return value: fails every request of the batch, without a traceback."""


def _as_bytes(data):
    # Jep turns bytes into a Java byte[]; other buffer types would arrive as opaque objects.
    return data if isinstance(data, bytes) else bytes(data)


def _cancel_check(is_cancelled, index):
    if is_cancelled is None:
        return None
    return lambda: bool(is_cancelled.isCancelled(index))


def _model_file(instance):
    return getattr(sys.modules.get(type(instance.model).__module__), "__file__", "model.py")


def _describe_current_exception():
    """'<ExcType>: <message>' plus the Python frames, as Triton reports model errors."""
    exc_type, exc, tb = sys.exc_info()
    if isinstance(exc, _BatchError):
        return str(exc)
    name = exc_type.__name__ if exc_type is not None else "Exception"
    frames = traceback.extract_tb(tb)
    lines = ["%s: %s" % (name, exc), "", "At:"]
    for frame in reversed(frames):
        lines.append("  %s(%d): %s" % (frame.filename, frame.lineno, frame.name))
    return "\n".join(lines) + "\n"
