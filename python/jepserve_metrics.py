"""The custom-metrics half of pb_utils: MetricFamily, Metric and MetricKind, over jepserve's Java registry.

pb_utils re-exports MetricFamily, MetricKind, COUNTER, GAUGE and HISTOGRAM from here. Every call goes straight
to the Java bridge that the server installs as jepserve_context.metrics_backend (dev.jepserve.metrics
.CustomMetrics); there is no IPC, so an increment costs one Python call plus one Jep call.

Errors are raised as jepserve_context.TritonModelException with Triton's texts: the checks Triton's stub makes
itself carry a plain message, the ones its server process makes are layered as
"<operation prefix>Failed to process the request for model '<instance>', message: <core message>".

Lifetime follows Triton: a MetricFamily object keeps every Metric it created, so `del metric` removes nothing
while the family lives; when the family object is garbage-collected it releases all its series, and a Metric
still held afterwards fails on every operation.
"""

import enum
import json

import jepserve_context

_FAMILY_PREFIX = "Error when creating MetricFamily: "
_METRIC_PREFIX = "Error when creating Metric: "
_INCREMENT_PREFIX = "Failed to increment metric value: "
_SET_PREFIX = "Failed to set metric value: "
_OBSERVE_PREFIX = "Failed to observe metric value: "
_VALUE_PREFIX = "Failed to get metric value: "

_CLEARED_MESSAGE = (
    "Invalid metric operation as the corresponding 'MetricFamily' has been deleted. The 'MetricFamily' object "
    "should be deleted AFTER its corresponding 'Metric' objects have been deleted.")


class MetricKind(enum.Enum):
    """The kind of a metric family (c_python_backend_utils.MetricKind in Triton)."""

    COUNTER = 0
    GAUGE = 1
    HISTOGRAM = 2

    def __int__(self):
        return self.value

    __index__ = __int__


COUNTER = MetricKind.COUNTER
GAUGE = MetricKind.GAUGE
HISTOGRAM = MetricKind.HISTOGRAM


class _ClearedError(Exception):
    """Raised inside a Metric whose family has been deleted."""


def _raise_cleared(*_args):
    raise _ClearedError(_CLEARED_MESSAGE)


def _core_message(error):
    """The message of an error raised by the bridge.

    Jep raises a Java exception as a Python exception (IllegalArgumentException -> ValueError,
    IllegalStateException -> RuntimeError) whose str() is "java.lang.X: message" and whose args[0] is the Java
    throwable itself; its getMessage() is the bare message.
    """
    if error.args:
        get_message = getattr(error.args[0], "getMessage", None)
        if callable(get_message):
            message = get_message()
            if message is not None:
                return str(message)
    return str(error)


def _layered(prefix, instance_name, message):
    return jepserve_context.TritonModelException(
        "%sFailed to process the request for model '%s', message: %s" % (prefix, instance_name, message))


def _label_name(key):
    """Label names as Triton gets them, through json.dumps of the labels dict (1 -> "1", True -> "true")."""
    if isinstance(key, str):
        return key
    if key is None or isinstance(key, (bool, int, float)):
        return json.dumps(key)
    raise TypeError("keys must be str, int, float, bool or None, not %s" % type(key).__name__)


class Metric:
    """One labelled series of a MetricFamily (returned by MetricFamily.Metric; not a pb_utils attribute)."""

    # The bridge's bound methods are kept per object, so an update is one attribute load and one Jep call.
    __slots__ = ("_handle", "_instance", "_increment", "_set", "_observe", "_value")

    def __init__(self, handle, instance_name):
        self._handle = handle
        self._instance = instance_name
        self._increment = handle.increment
        self._set = handle.set
        self._observe = handle.observe
        self._value = handle.value

    def increment(self, value):
        """Adds value: counters accept only non-negative values, gauges any value."""
        try:
            self._increment(value)
        except TypeError:
            raise
        except _ClearedError as error:
            raise jepserve_context.TritonModelException(_INCREMENT_PREFIX + str(error)) from None
        except Exception as error:
            raise _layered(_INCREMENT_PREFIX, self._instance, _core_message(error)) from None

    def set(self, value):
        """Sets a gauge."""
        try:
            self._set(value)
        except TypeError:
            raise
        except _ClearedError as error:
            raise jepserve_context.TritonModelException(_SET_PREFIX + str(error)) from None
        except Exception as error:
            raise _layered(_SET_PREFIX, self._instance, _core_message(error)) from None

    def observe(self, value):
        """Records one observation in a histogram."""
        try:
            self._observe(value)
        except TypeError:
            raise
        except _ClearedError as error:
            raise jepserve_context.TritonModelException(_OBSERVE_PREFIX + str(error)) from None
        except Exception as error:
            raise _layered(_OBSERVE_PREFIX, self._instance, _core_message(error)) from None

    def value(self):
        """The current value of a counter or gauge (shared by every Metric with the same labels)."""
        try:
            return self._value()
        except _ClearedError as error:
            raise jepserve_context.TritonModelException(_VALUE_PREFIX + str(error)) from None
        except Exception as error:
            raise _layered(_VALUE_PREFIX, self._instance, _core_message(error)) from None

    def _clear(self):
        """Releases the series and makes every later operation fail (the family is being deleted)."""
        handle = self._handle
        self._handle = None
        self._increment = self._set = self._observe = self._value = _raise_cleared
        if handle is not None:
            handle.release()


class MetricFamily:
    """A named metric family: pb_utils.MetricFamily(name, description, kind)."""

    COUNTER = MetricKind.COUNTER
    GAUGE = MetricKind.GAUGE
    HISTOGRAM = MetricKind.HISTOGRAM

    def __init__(self, name, description, kind):
        self._metrics = []
        if not isinstance(name, str) or not isinstance(description, str) or not isinstance(kind, MetricKind):
            raise TypeError(
                "MetricFamily(): incompatible arguments; expected (name: str, description: str, kind: MetricKind)"
                ", got (%s, %s, %s)" % (type(name).__name__, type(description).__name__, type(kind).__name__))
        self._kind = kind
        self._instance = jepserve_context.current_instance_name()
        self._owner = jepserve_context.current_instance_owner()
        backend = jepserve_context.metrics_backend
        if backend is None:
            raise _layered(_FAMILY_PREFIX, self._instance, "metrics not supported")
        try:
            self._family = backend.family(name, description, kind.value)
        except TypeError:
            raise
        except Exception as error:
            raise _layered(_FAMILY_PREFIX, self._instance, _core_message(error)) from None

    def Metric(self, labels=None, buckets=None):  # noqa: N802 (Triton's name)
        """Creates (or joins) the series with these labels; histograms need buckets, a list of bounds."""
        if labels is not None and not isinstance(labels, dict):
            raise jepserve_context.TritonModelException("Failed to create metric. Labels must be a dictionary.")
        items = labels.items() if labels else ()
        names = [_label_name(key) for key, _ in items]
        if buckets is not None:
            if not isinstance(buckets, list):
                raise jepserve_context.TritonModelException("Failed to create metric. Buckets must be a list.")
            if self._kind is not MetricKind.HISTOGRAM:
                raise jepserve_context.TritonModelException("Failed to create metric. Unexpected buckets found.")
        elif self._kind is MetricKind.HISTOGRAM:
            raise jepserve_context.TritonModelException("Failed to create metric. Missing required buckets.")
        instance = jepserve_context.current_instance_name() or self._instance
        values = [value for _, value in items]
        if not all(isinstance(value, str) for value in values):
            raise _layered(_METRIC_PREFIX, instance, "attempt to access JSON non-string as string")
        try:
            owner = jepserve_context.current_instance_owner() or self._owner or instance
            handle = self._family.series(names, values, buckets, owner)
        except TypeError:
            raise
        except Exception as error:
            raise _layered(_METRIC_PREFIX, instance, _core_message(error)) from None
        metric = Metric(handle, instance)
        self._metrics.append(metric)
        return metric

    def __del__(self):
        metrics = getattr(self, "_metrics", None)
        if not metrics:
            return
        self._metrics = []
        for metric in metrics:
            try:
                metric._clear()
            except Exception:  # the server may already be gone at interpreter shutdown
                pass
