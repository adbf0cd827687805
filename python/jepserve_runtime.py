"""jepserve's Python-side glue: loads model.py files and runs TritonPythonModel methods for the Java server.

The Java side (dev.jepserve.python, in the server or in a stub process) calls the functions below through Jep,
always from one of its Python worker threads. Models never see this module. A batch arrives as a
jepserve_border.BatchMessage (JSON) with its inputs as numpy arrays viewing Java memory; responses leave
through jepserve_responses (ResponseMessages to the server's callbacks), from any thread.
"""

import importlib.util
import inspect
import json
import os
import sys
import threading
import time
import traceback
import types

import numpy as np

import jepserve_bls
import jepserve_context as context
import triton_python_backend_utils as pb_utils
from jepserve_border import BatchMessage, ExecutionDoneMessage
from jepserve_input_holds import InputHolds
from jepserve_responses import CapturedResponses, RequestResponses

_MODEL_CLASS = "TritonPythonModel"
_EMPTY = np.zeros(0, dtype=np.uint8)

# Loaded model modules and live model instances, keyed by names the Java side chooses.
_modules = {}
_module_contexts = {}
_instances = {}


class ModelError(Exception):
    """A model's code failed while loading; the message is complete (type, text and frames)."""


class _Instance:
    __slots__ = ("model", "context", "execute", "decoupled", "loop", "loop_thread", "input_holds")

    def __init__(self, model, instance_context, decoupled):
        self.model = model
        self.context = instance_context
        self.execute = getattr(model, "execute", None)
        self.decoupled = decoupled
        self.loop = None  # the asyncio loop of `async def execute`, started on first use
        self.loop_thread = None
        # Only where the server reuses input memory (a stub's input region) is it told what Python keeps.
        self.input_holds = InputHolds() if context.input_memory_reused else None

    def done_message(self, batch, input_ns, infer_ns, output_ns):
        """The ExecutionDoneMessage of a batch whose execute() is over (call once the caller dropped its own
        references to the batch's inputs)."""
        if self.input_holds is None:
            return ExecutionDoneMessage(batch, input_ns, infer_ns, output_ns)
        kept, released = self.input_holds.report(batch)
        return ExecutionDoneMessage(batch, input_ns, infer_ns, output_ns, kept, released)


def install_bls(bridge):
    """Installs the server's BLS bridge (dev.jepserve.python.PythonBls)."""
    jepserve_bls.install(bridge, execute_direct)


def bootstrap(log_sink, metrics_backend, callbacks=None):
    """Runs once per process, before any model: the process-wide Python settings Triton's stub has."""
    sys.argv = [""]
    # Model output reaches the server's output line by line, as a terminal would show it.
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(line_buffering=True)
    context.install(log_sink, metrics_backend, callbacks)


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
        raise ModelError("Python model file '%s' does not define class '%s'"
                         % (_shown_path(model_file, os.path.dirname(os.path.abspath(version_dir))), _MODEL_CLASS))
    _modules[module_key] = module
    _module_contexts[module_key] = module_context


def use_environment(environment_dir, site_packages):
    """A stub's model has its own environment (EXECUTION_ENV_PATH): its site-packages directories (os.pathsep
    separated; .pth files processed) go first on sys.path, VIRTUAL_ENV names it, its bin goes first on PATH.
    Modules imported already (numpy, the server's glue) stay as they are."""
    import site
    for directory in reversed([entry for entry in site_packages.split(os.pathsep) if entry]):
        if directory in sys.path:
            continue
        before = list(sys.path)
        site.addsitedir(directory)
        added = [entry for entry in sys.path if entry not in before]
        sys.path[:] = added + before
    os.environ["VIRTUAL_ENV"] = environment_dir
    os.environ["PATH"] = os.path.join(environment_dir, "bin") + os.pathsep + os.environ.get("PATH", "")


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


def create_instance(instance_key, module_key, args_items, instance_name, model_name, model_version, version_dir,
                    decoupled=False):
    """Instantiates TritonPythonModel and runs initialize(args); args_items is a flat [k1, v1, k2, v2, ...].

    decoupled: the model's transaction policy (execute returns None, responses go through senders).
    """
    args = {}
    items = list(args_items)
    for i in range(0, len(items), 2):
        args[str(items[i])] = str(items[i + 1])
    instance_context = context.InstanceContext(instance_name, model_name, model_version, version_dir,
                                               owner=instance_key)
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
    instance_context.serving = True
    _instances[instance_key] = _Instance(model, instance_context, bool(decoupled))


def finalize_instance(instance_key):
    """Runs finalize() and drops the instance, so its objects (metric families...) are released now."""
    instance = _instances.pop(instance_key, None)
    if instance is None:
        return None
    instance.context.serving = False
    previous = context.set_current_instance(instance.context)
    error = None
    try:
        finalize = getattr(instance.model, "finalize", None)
        if finalize is not None:
            finalize()
    except BaseException:
        error = _describe_current_exception()
    finally:
        _stop_loop(instance)
        del instance
        context.set_current_instance(previous)
    return error


def execute(instance_key, batch_json, buffers):
    """Runs one execute() call for a batch (a BatchMessage as JSON; buffers holds the input bytes, each a
    uint8 ndarray over Java memory, None for an empty tensor).

    Responses leave through each request's RequestResponses. Returns the ExecutionDoneMessage as JSON, or
    None when an `async def execute` of a non-decoupled model is still running: it reports through the
    server's callbacks when it ends.
    """
    started = time.perf_counter_ns()
    return _execute(_instances[instance_key], started, BatchMessage.from_json(batch_json), buffers)


# The stub's input region as a uint8 array over its whole mapping (execute_in_region), set again whenever the
# stub's Java side maps the region anew. One per process: a stub has one input region.
_input_region = None


def execute_in_region(instance_key, batch_json, region, slices):
    """execute() in a stub whose batch inputs lie in its shared-memory input region. region: a uint8 array over
    the region's whole mapping when that changed since the last batch, else None; slices: the text "offset length"
    for each buffer (length 0: an empty tensor). Slicing one array costs less than Jep converting an array per
    input."""
    global _input_region
    started = time.perf_counter_ns()
    if region is not None:
        _input_region = region
    instance = _instances[instance_key]
    batch = BatchMessage.from_json(batch_json)
    # Only _execute holds the buffers (it lets go of them before it reports what the model kept).
    return _execute(instance, started, batch, _region_buffers(instance, batch.batch, slices), tracked=True)


def _region_buffers(instance, batch_handle, slices):
    """The batch's input buffers as slices of the input region, all views of one root that spans them (from the
    first input's offset to the last one's end): the batch counts as kept while any of them lives, with one weak
    reference instead of one per input."""
    numbers = [int(number) for number in slices.split()]
    spans = [(numbers[i], numbers[i + 1]) for i in range(0, len(numbers), 2)]
    present = [(offset, length) for offset, length in spans if length]
    if not present:
        return [None] * len(spans)
    low = min(offset for offset, _ in present)
    high = max(offset + length for offset, length in present)
    root = _input_region[low:high]
    if instance.input_holds is not None:
        root = instance.input_holds.track(batch_handle, root)
    return [root[offset - low:offset - low + length] if length else None for offset, length in spans]


def _execute(instance, started, batch, buffers, tracked=False):
    """execute() of a parsed batch (its inputs already rooted in the instance's InputHolds when tracked)."""
    requests, answers = _incoming_requests(instance, batch, buffers, tracked)
    del buffers  # the requests' tensors hold what the model may keep
    inputs_ready = time.perf_counter_ns()

    previous = context.set_current_instance(instance.context)
    callers = jepserve_bls.callers.set(tuple(message.handle for message in batch.requests))
    returned = None
    try:
        if instance.execute is None:
            message = "Python model %s does not implement `execute` method." % _model_file(instance)
            for answer in answers:
                answer.fail(pb_utils.TritonError.INTERNAL, message)
            executed = inputs_ready
        else:
            returned = instance.execute(requests)
            if inspect.iscoroutine(returned):
                return _start_async(instance, batch.batch, returned, answers, inputs_ready - started, requests)
            executed = time.perf_counter_ns()
            _answer(instance, returned, answers, requests)
    except BaseException:
        executed = time.perf_counter_ns()
        _fail_all(instance, answers)
    finally:
        jepserve_bls.callers.reset(callers)
        context.set_current_instance(previous)
    finished = time.perf_counter_ns()
    # What the model kept of its inputs is told apart from what this frame still holds.
    del requests, returned
    return instance.done_message(batch.batch, inputs_ready - started, executed - inputs_ready,
                                 finished - executed).to_json()


def _incoming_requests(instance, batch, buffers, tracked=False):
    """The batch's pb_utils.InferenceRequests and each one's RequestResponses (tracked: the buffers are rooted
    in the instance's InputHolds already)."""
    holds = None if tracked else instance.input_holds
    requests = []
    answers = []
    for message in batch.requests:
        tensors = []
        for tensor in message.inputs:
            buffer = buffers[tensor.buffer]
            if buffer is None:
                buffer = _EMPTY
            elif holds is not None:
                buffer = holds.track(batch.batch, buffer)
            tensors.append(pb_utils.Tensor._from_wire(tensor.name, tensor.datatype, tensor.shape, buffer))
        answer = RequestResponses(message.handle, set(message.requested_outputs), instance.decoupled)
        answers.append(answer)
        parameters = json.dumps(message.parameters) if message.parameters else "{}"
        requests.append(pb_utils.InferenceRequest._incoming(
            message.id, message.correlation_id, message.flags, message.timeout_us, parameters, tensors,
            message.requested_outputs, answer.is_cancelled, answer))
    return requests, answers


def execute_direct(instance_key, request_handle, requested_outputs, call):
    """Runs execute([request]) of an in-process instance on the calling thread for a direct BLS call (the
    server reserved the instance): the request is the kind execute() builds, over copies of the call's inputs,
    and its answer is captured in Python. Returns the request's CapturedResponses and the compute times in
    nanoseconds (input, infer, output) without the answer's delivery.
    """
    instance = _instances[instance_key]
    started = time.perf_counter_ns()
    answer = CapturedResponses(request_handle, set(requested_outputs))
    previous = context.set_current_instance(instance.context)
    callers = jepserve_bls.callers.set((request_handle,))
    inputs_ready = None
    try:
        # The called model gets inputs of its own, as from the server: changing them in place must not
        # change the caller's arrays.
        tensors = [tensor._copy() for tensor in call._inputs]
        request = pb_utils.InferenceRequest._incoming(
            call._request_id, call._correlation_id, call._flags, call._timeout, call._parameters, tensors,
            requested_outputs, answer.is_cancelled, answer)
        inputs_ready = time.perf_counter_ns()
        if instance.execute is None:
            answer.fail(pb_utils.TritonError.INTERNAL,
                        "Python model %s does not implement `execute` method." % _model_file(instance))
            executed = inputs_ready
        else:
            returned = instance.execute([request])
            if inspect.iscoroutine(returned):
                import asyncio  # on first use (see _start_async)
                returned = asyncio.run_coroutine_threadsafe(returned, _instance_loop(instance)).result()
            executed = time.perf_counter_ns()
            _answer(instance, returned, [answer], [request])
    except BaseException:
        executed = time.perf_counter_ns()
        inputs_ready = inputs_ready or started
        _fail_all(instance, [answer])
    finally:
        jepserve_bls.callers.reset(callers)
        context.set_current_instance(previous)
    finished = time.perf_counter_ns()
    return answer, (inputs_ready - started, executed - inputs_ready, finished - executed)


def _answer(instance, returned, answers, requests=()):
    """Checks execute()'s return value as Triton does and sends the returned responses."""
    if instance.decoupled:
        if returned is not None:
            raise _BatchError("Python model '%s' is using the decoupled mode and the execute function must "
                              "return None." % instance.context.name)
        _reschedule(requests, answers, returned)
        return
    if returned is None:
        _reschedule(requests, answers, returned)
        return  # every response was, or will be, sent through the requests' response senders
    if not isinstance(returned, list):
        raise _BatchError("Expected a list in the execute return, found type '%s'." % type(returned).__name__)
    if len(returned) != len(answers):
        raise _BatchError(
            "Number of InferenceResponse objects do not match the number of InferenceRequest objects. "
            "InferenceRequest(s) size is:%d, and InferenceResponse(s) size is:%d\n" % (len(answers), len(returned)))
    for response in returned:
        if response is not None and not isinstance(response, pb_utils.InferenceResponse):
            raise _BatchError("Expected an 'InferenceResponse' object in the execute function return list, "
                              "found type '%s'." % type(response).__name__)
    _reschedule(requests, answers, returned)
    for response, answer in zip(returned, answers):
        if response is not None and not answer.rescheduled:
            answer.send_returned(response)


def _reschedule(requests, answers, returned):
    """Requests released with TRITONSERVER_REQUEST_RELEASE_RESCHEDULE go back to the scheduler; a response
    returned for one is an error, as in Triton (its text, typo included)."""
    for index, request in enumerate(requests):
        if request._release_flags & pb_utils.TRITONSERVER_REQUEST_RELEASE_RESCHEDULE:
            if returned is not None and returned[index] is not None:
                raise _BatchError("Expected a None object in the execute function return list for reschduled "
                                  "request")
    for request, answer in zip(requests, answers):
        if request._release_flags & pb_utils.TRITONSERVER_REQUEST_RELEASE_RESCHEDULE:
            answer.rescheduled = True
            context.callbacks.reschedule(answer.handle)


def _fail_all(instance, answers):
    """execute() raised or returned something wrong: every request still open gets the error (call in except)."""
    message = "Failed to process the request(s) for model '%s', message: %s" % (
        instance.context.name, _describe_current_exception())
    _log_model_error(instance, message.rstrip("\n"))
    for answer in answers:
        answer.fail(pb_utils.TritonError.INTERNAL, message)


def _start_async(instance, batch_handle, coroutine, answers, input_ns, requests=()):
    """Runs an `async def execute` on the instance's event loop.

    Decoupled: execute counts as returned at once, so the instance takes its next batch while this one
    awaits (as Triton). Non-decoupled: it returns when the coroutine ends, reported through the callbacks;
    the Python worker thread is not blocked meanwhile (Triton's stub blocks).
    """
    import asyncio  # on first use: most models never need it, and it costs every stub's start

    loop = _instance_loop(instance)
    scheduled = time.perf_counter_ns()
    future = asyncio.run_coroutine_threadsafe(coroutine, loop)

    def finished(done):
        executed = time.perf_counter_ns()
        try:
            _answer(instance, done.result(), answers, requests)
        except BaseException:
            _fail_all(instance, answers)
        if not instance.decoupled:
            ended = time.perf_counter_ns()
            context.callbacks.executionDone(
                instance.done_message(batch_handle, input_ns, executed - scheduled, ended - executed).to_json())

    future.add_done_callback(finished)
    if instance.decoupled:
        return instance.done_message(batch_handle, input_ns, time.perf_counter_ns() - scheduled, 0).to_json()
    return None


def _instance_loop(instance):
    """The instance's asyncio loop, on a daemon thread of its own that runs as the instance."""
    import asyncio

    if instance.loop is None:
        loop = asyncio.new_event_loop()

        def run():
            context.set_current_instance(instance.context)
            asyncio.set_event_loop(loop)
            loop.run_forever()

        thread = threading.Thread(target=run, name="jepserve-async-%s" % instance.context.name, daemon=True)
        thread.start()
        instance.loop = loop
        instance.loop_thread = thread
    return instance.loop


def _stop_loop(instance):
    if instance.loop is not None:
        instance.loop.call_soon_threadsafe(instance.loop.stop)
        instance.loop_thread.join(timeout=5)
        instance.loop = None


class _BatchError(Exception):
    """A broken execute() return value: fails every request of the batch, without a traceback."""


def _model_file(instance):
    return getattr(sys.modules.get(type(instance.model).__module__), "__file__", "model.py")


def _describe_current_exception():
    """'<ExcType>: <message>' plus the model's Python frames, as Triton reports model errors.

    Only the model's frames: the server's own modules (this glue, pb_utils) are not the model author's
    business and would change with every jepserve release.
    """
    exc_type, exc, tb = sys.exc_info()
    if isinstance(exc, _BatchError):
        return str(exc)
    name = exc_type.__name__ if exc_type is not None else "Exception"
    lines = ["%s: %s" % (name, exc), "", "At:"]
    model_dir = _current_model_dir()
    for frame in reversed(_model_frames(tb)):
        lines.append("  %s(%d): %s" % (_shown_path(frame.filename, model_dir), frame.lineno, frame.name))
    return "\n".join(lines) + "\n"


def _current_model_dir():
    current = context.current_instance()
    version_dir = getattr(current, "version_dir", "") if current is not None else ""
    return os.path.dirname(os.path.abspath(version_dir)) if version_dir else ""


def _shown_path(filename, model_dir):
    """A frame's file as errors show it: relative to the model's directory, so no server path reaches a
    client; files elsewhere (libraries) by their path below the Python installation or their base name."""
    path = os.path.abspath(filename) if not filename.startswith("<") else filename
    if model_dir and path.startswith(model_dir + os.sep):
        return os.path.relpath(path, model_dir)
    for root in sorted({p for p in sys.path if p and os.path.isabs(p)} | {sys.prefix, sys.base_prefix},
                       key=len, reverse=True):
        if path.startswith(root.rstrip(os.sep) + os.sep):
            return "<python>/" + os.path.relpath(path, root)
    return os.path.basename(path) if not filename.startswith("<") else filename


def _model_frames(tb):
    """The traceback's frames outside the server's own Python modules, outermost first."""
    return [frame for frame in traceback.extract_tb(tb) if not _is_server_module(frame.filename)]


def _is_server_module(filename):
    """jepserve's own modules, and Python's import machinery (a model.py that does not parse)."""
    base = os.path.basename(filename)
    return (base.startswith("jepserve_") or base == "triton_python_backend_utils.py"
            or filename.startswith("<frozen "))


def _log_model_error(instance, message):
    """An E line in the server log for a model's failed execute, placed at the innermost model frame."""
    frames = _model_frames(sys.exc_info()[2])
    if frames:
        filename, line = os.path.basename(frames[-1].filename), frames[-1].lineno
    else:  # a wrong return value: point at the model's execute
        execute = getattr(instance.execute, "__code__", None)
        filename = os.path.basename(_model_file(instance))
        line = execute.co_firstlineno if execute is not None else 0
    context.write_log(2, filename, line, message)


def check_ready(instance_key, check):
    """Starts the instance's own is_ready() (optional; may be `async def`) off the Python worker.

    Returns "absent" when the model has no is_ready (it is then ready whenever it runs), "false" for an unknown
    instance, else None: the answer ("true", "false" or an error text) goes to callbacks.readinessChecked(check,
    answer) when is_ready returns. A non-bool answer or an exception means not ready (logged, as Triton does).
    The server stops waiting after 5 s; a slow is_ready keeps running on its own thread meanwhile.
    """
    instance = _instances.get(instance_key)
    if instance is None:
        return "false"
    is_ready = getattr(instance.model, "is_ready", None)
    if is_ready is None:
        return "absent"

    def report(answer):
        callbacks = context.callbacks
        if callbacks is not None:
            callbacks.readinessChecked(check, answer)

    def judge(result):
        if isinstance(result, bool):
            return "true" if result else "false"
        message = "is_ready() must return a boolean value"
        context.write_log(2, os.path.basename(_model_file(instance)), 0,
                          "Model '%s': %s, got '%s'" % (instance.context.name, message, type(result).__name__))
        return message

    def failed():
        message = "is_ready() of model '%s' raised %s" % (instance.context.name, _describe_current_exception())
        context.write_log(2, os.path.basename(_model_file(instance)), 0, message.rstrip("\n"))
        return message

    def run_async(coroutine):
        import asyncio

        future = asyncio.run_coroutine_threadsafe(coroutine, _instance_loop(instance))

        def done(finished):
            try:
                report(judge(finished.result()))
            except BaseException:
                report(failed())

        future.add_done_callback(done)

    if inspect.iscoroutinefunction(is_ready):
        run_async(is_ready())
        return None

    def run_sync():
        context.set_current_instance(instance.context)
        try:
            result = is_ready()
        except BaseException:
            report(failed())
            return
        if inspect.iscoroutine(result):
            run_async(result)
        else:
            report(judge(result))

    threading.Thread(target=run_sync, name="jepserve-is-ready-%s" % instance.context.name, daemon=True).start()
    return None
