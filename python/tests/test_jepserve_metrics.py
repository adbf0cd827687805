"""Tests of jepserve_metrics against a pure-Python stand-in for the Java bridge (dev.jepserve.metrics).

The stand-in raises errors the way Jep surfaces Java exceptions: a ValueError/RuntimeError whose str() is
"java.lang.X: message" and whose args[0] is the throwable, with getMessage() returning the bare message.
End-to-end semantics against the real Java registry belong to the integration tests.
"""

import gc
import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import jepserve_context  # noqa: E402
import jepserve_metrics  # noqa: E402
from jepserve_context import TritonModelException  # noqa: E402
from jepserve_metrics import COUNTER, GAUGE, HISTOGRAM, MetricFamily, MetricKind  # noqa: E402

INSTANCE = "custom_metrics_0_1"
LAYER = "Failed to process the request for model '%s', message: " % INSTANCE
CLEARED = ("Invalid metric operation as the corresponding 'MetricFamily' has been deleted. The 'MetricFamily' "
           "object should be deleted AFTER its corresponding 'Metric' objects have been deleted.")


class FakeThrowable:
    """What Jep puts in args[0]: the Java exception object."""

    def __init__(self, java_class, message):
        self.java_class = java_class
        self.message = message

    def getMessage(self):  # noqa: N802 (Java name)
        return self.message

    def __str__(self):
        return "%s: %s" % (self.java_class, self.message)


def java_error(message, python_type=ValueError, java_class="java.lang.IllegalArgumentException"):
    throwable = FakeThrowable(java_class, message)
    error = python_type(throwable)
    return error


def as_double(value):
    """Jep's conversion of a Python argument to a Java double."""
    if isinstance(value, (int, float)):
        return float(value)
    raise TypeError("Error converting parameter 1: must be real number, not %s" % type(value).__name__)


class FakeSeries:
    def __init__(self, family, key, buckets):
        self.family = family
        self.key = key
        self.buckets = buckets
        self.total = 0.0
        self.references = 0


class FakeHandle:
    """Stands in for CustomSeries: one reference to a shared series."""

    def __init__(self, series, owner):
        self.series = series
        self.owner = owner
        self.released = False

    def _live(self):
        if self.released:
            raise java_error(CLEARED, RuntimeError, "java.lang.IllegalStateException")
        return self.series

    def increment(self, value):
        value = as_double(value)
        series = self._live()
        if series.family.kind == 2:
            raise java_error("TRITONSERVER_METRIC_KIND_HISTOGRAM does not support Increment")
        if series.family.kind == 0 and value < 0:
            raise java_error("TRITONSERVER_METRIC_KIND_COUNTER can only be incremented monotonically by "
                             "non-negative values.")
        series.total += value

    def set(self, value):
        value = as_double(value)
        series = self._live()
        if series.family.kind != 1:
            raise java_error("%s does not support Set" % series.family.kind_name)
        series.total = value

    def observe(self, value):
        value = as_double(value)
        series = self._live()
        if series.family.kind != 2:
            raise java_error("%s does not support Observe" % series.family.kind_name)
        series.total += value

    def value(self):
        series = self._live()
        if series.family.kind == 2:
            raise java_error("TRITONSERVER_METRIC_KIND_HISTOGRAM does not support Value")
        return series.total

    def release(self):
        if self.released:
            return
        self.released = True
        self.series.references -= 1
        self.series.family.backend.releases.append((self.series.key, self.owner))
        if self.series.references == 0:
            del self.series.family.series_by_key[self.series.key]


class FakeFamily:
    def __init__(self, backend, name, description, kind):
        self.backend = backend
        self.name = name
        self.description = description
        self.kind = kind
        self.kind_name = "TRITONSERVER_METRIC_KIND_" + ("COUNTER", "GAUGE", "HISTOGRAM")[kind]
        self.series_by_key = {}

    def series(self, label_names, label_values, buckets, owner):
        assert isinstance(owner, str)
        self.backend.calls.append(("series", self.name, list(label_names), list(label_values), buckets, owner))
        for name in label_names:
            if not name or name.startswith("__") or not (name[0].isalpha() or name[0] == "_"):
                raise java_error("Invalid label name")
        key = tuple(sorted(zip(label_names, label_values)))
        series = self.series_by_key.get(key)
        if series is None:
            if buckets is not None and any(a >= b for a, b in zip(buckets, buckets[1:])):
                raise java_error("Bucket Boundaries must be strictly sorted")
            series = self.series_by_key[key] = FakeSeries(self, key, buckets)
        series.references += 1
        return FakeHandle(series, owner)


class FakeBackend:
    """Stands in for CustomMetrics."""

    def __init__(self):
        self.families = {}
        self.calls = []
        self.releases = []

    def family(self, name, description, kind):
        self.calls.append(("family", name, description, kind))
        if not name or name.startswith("__") or name[0].isdigit() or "-" in name:
            raise java_error("Invalid metric name")
        existing = self.families.get(name)
        if existing is not None:
            if existing.kind != kind:
                raise java_error("Family name already exists with different type")
            return existing
        family = self.families[name] = FakeFamily(self, name, description, kind)
        return family

    def live_series(self, name):
        family = self.families.get(name)
        return dict(family.series_by_key) if family else {}


@pytest.fixture
def backend():
    fake = FakeBackend()
    previous_log, previous_metrics = jepserve_context.log_sink, jepserve_context.metrics_backend
    previous_instance = jepserve_context.set_current_instance(
        jepserve_context.InstanceContext(INSTANCE, "custom_metrics", "1"))
    jepserve_context.install(previous_log, fake)
    yield fake
    jepserve_context.install(previous_log, previous_metrics)
    jepserve_context.set_current_instance(previous_instance)


def raises_exactly(message):
    return pytest.raises(TritonModelException, match="^%s$" % _escape(message))


def _escape(text):
    import re
    return re.escape(text)


# --- kinds and module surface ------------------------------------------------------------------------------


def test_kinds_are_enum_members_available_everywhere():
    assert MetricFamily.COUNTER is COUNTER is MetricKind.COUNTER
    assert MetricFamily.GAUGE is GAUGE is MetricKind.GAUGE
    assert MetricFamily.HISTOGRAM is HISTOGRAM is MetricKind.HISTOGRAM
    assert [int(kind) for kind in MetricKind] == [0, 1, 2]
    assert str(MetricKind.COUNTER) == "MetricKind.COUNTER"


# --- MetricFamily --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("args", [
    (None, "d", COUNTER),
    ("n", None, COUNTER),
    ("n", "d", None),
    ("n", "d", 0),
    ("n", "d", 1),
    (1, "d", COUNTER),
    ("n", b"d", GAUGE),
])
def test_family_argument_types_are_checked(backend, args):
    with pytest.raises(TypeError):
        MetricFamily(*args)
    assert backend.calls == []


def test_family_accepts_keywords_and_passes_the_kind_code(backend):
    MetricFamily(name="requests_process_latency_ns", description="Cumulative time", kind=MetricFamily.HISTOGRAM)
    assert backend.calls == [("family", "requests_process_latency_ns", "Cumulative time", 2)]


def test_invalid_name_is_layered(backend):
    with raises_exactly("Error when creating MetricFamily: " + LAYER + "Invalid metric name"):
        MetricFamily("1bad", "d", COUNTER)


def test_kind_conflict_is_layered(backend):
    MetricFamily("test_dup_metric_family_diff_kind", "d", COUNTER)
    with raises_exactly("Error when creating MetricFamily: " + LAYER
                        + "Family name already exists with different type"):
        MetricFamily("test_dup_metric_family_diff_kind", "d", GAUGE)


def test_same_name_and_kind_shares_the_family(backend):
    first = MetricFamily("test_dup_metric_family", "dup description", COUNTER)
    second = MetricFamily("test_dup_metric_family", "other", COUNTER)
    metric1 = first.Metric(labels={"custom_metric_key": "label1"})
    metric2 = second.Metric(labels={"custom_metric_key": "label1"})
    metric1.increment(7.5)
    assert metric2.value() == 7.5


def test_without_a_backend_families_are_unsupported(backend):
    jepserve_context.install(jepserve_context.log_sink, None)
    with raises_exactly("Error when creating MetricFamily: " + LAYER + "metrics not supported"):
        MetricFamily("x", "d", COUNTER)


def test_instance_name_is_empty_outside_a_model_call(backend):
    jepserve_context.set_current_instance(None)
    with raises_exactly("Error when creating MetricFamily: Failed to process the request for model '', "
                        "message: Invalid metric name"):
        MetricFamily("__x", "d", COUNTER)


def test_plain_python_exceptions_from_the_bridge_keep_their_text(backend):
    def failing(name, description, kind):
        raise RuntimeError("boom")

    backend.family = failing
    with raises_exactly("Error when creating MetricFamily: " + LAYER + "boom"):
        MetricFamily("x", "d", COUNTER)


def test_java_message_is_taken_from_get_message_not_from_str(backend):
    error = java_error("Invalid metric name")
    assert str(error) == "java.lang.IllegalArgumentException: Invalid metric name"
    assert jepserve_metrics._core_message(error) == "Invalid metric name"


# --- family.Metric -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("labels", [["a"], ("a", "b"), "a=b", 1])
def test_labels_must_be_a_dict(backend, labels):
    family = MetricFamily("c", "d", COUNTER)
    with raises_exactly("Failed to create metric. Labels must be a dictionary."):
        family.Metric(labels=labels)


@pytest.mark.parametrize("value", [1, 1.5, None, True, ["x"]])
def test_label_values_must_be_strings(backend, value):
    family = MetricFamily("c", "d", COUNTER)
    with raises_exactly("Error when creating Metric: " + LAYER + "attempt to access JSON non-string as string"):
        family.Metric(labels={"version": value})
    assert [call for call in backend.calls if call[0] == "series"] == []


def test_non_string_label_names_are_converted_like_json(backend):
    family = MetricFamily("c", "d", COUNTER)
    family.Metric(labels={"k": "v", True: "b", None: "c"})
    assert backend.calls[-1][2] == ["k", "true", "null"]
    with raises_exactly("Error when creating Metric: " + LAYER + "Invalid label name"):
        family.Metric(labels={1: "a"})
    assert backend.calls[-1][2] == ["1"]


def test_unserialisable_label_name_is_a_type_error(backend):
    family = MetricFamily("c", "d", COUNTER)
    with pytest.raises(TypeError):
        family.Metric(labels={("a",): "v"})


def test_invalid_label_name_is_layered(backend):
    family = MetricFamily("c", "d", COUNTER)
    with raises_exactly("Error when creating Metric: " + LAYER + "Invalid label name"):
        family.Metric(labels={"__reserved": "v"})


def test_none_and_empty_labels_mean_no_labels(backend):
    family = MetricFamily("c", "d", COUNTER)
    first = family.Metric()
    second = family.Metric(labels={})
    first.increment(1)
    assert second.value() == 1.0
    assert backend.calls[-1] == ("series", "c", [], [], None, INSTANCE)


def test_labels_and_owner_reach_the_bridge(backend):
    family = MetricFamily("c", "d", GAUGE)
    family.Metric(labels={"model": "custom_metrics", "version": "1"})
    assert backend.calls[-1] == ("series", "c", ["model", "version"], ["custom_metrics", "1"], None, INSTANCE)


def test_histogram_bucket_rules(backend):
    histogram = MetricFamily("h", "d", HISTOGRAM)
    counter = MetricFamily("c", "d", COUNTER)
    with raises_exactly("Failed to create metric. Missing required buckets."):
        histogram.Metric()
    with raises_exactly("Failed to create metric. Missing required buckets."):
        histogram.Metric(labels={"a": "b"}, buckets=None)
    with raises_exactly("Failed to create metric. Buckets must be a list."):
        histogram.Metric(buckets=(1.0, 2.0))
    with raises_exactly("Failed to create metric. Buckets must be a list."):
        counter.Metric(buckets=(1.0,))
    with raises_exactly("Failed to create metric. Unexpected buckets found."):
        counter.Metric(buckets=[1.0])
    with raises_exactly("Error when creating Metric: " + LAYER + "Bucket Boundaries must be strictly sorted"):
        histogram.Metric(buckets=[2.0, 1.0])
    histogram.Metric(buckets=[])
    assert backend.calls[-1] == ("series", "h", [], [], [], INSTANCE)


def test_labels_are_checked_before_buckets(backend):
    histogram = MetricFamily("h", "d", HISTOGRAM)
    with raises_exactly("Failed to create metric. Labels must be a dictionary."):
        histogram.Metric(labels=[], buckets=(1,))


# --- operations ----------------------------------------------------------------------------------------------


def test_counter_operations(backend):
    family = MetricFamily("test_counter_e2e", "d", COUNTER)
    metric = family.Metric(labels={"example1": "counter_label1"})
    assert metric.value() == 0.0
    metric.increment(2023.0)
    assert metric.value() == 2023.0
    with raises_exactly("Failed to increment metric value: " + LAYER + "TRITONSERVER_METRIC_KIND_COUNTER can "
                        "only be incremented monotonically by non-negative values."):
        metric.increment(-23.5)
    with raises_exactly("Failed to set metric value: " + LAYER
                        + "TRITONSERVER_METRIC_KIND_COUNTER does not support Set"):
        metric.set(999.9)
    with raises_exactly("Failed to observe metric value: " + LAYER
                        + "TRITONSERVER_METRIC_KIND_COUNTER does not support Observe"):
        metric.observe(1.0)


def test_gauge_operations(backend):
    family = MetricFamily("test_gauge_e2e", "d", GAUGE)
    metric = family.Metric()
    metric.increment(2023.0)
    metric.increment(-23.5)
    assert metric.value() == 1999.5
    metric.set(value=999.9)
    assert metric.value() == 999.9


def test_histogram_operations(backend):
    family = MetricFamily("h", "d", HISTOGRAM)
    metric = family.Metric(buckets=[0.1, 1.0])
    metric.observe(0.05)
    with raises_exactly("Failed to get metric value: " + LAYER
                        + "TRITONSERVER_METRIC_KIND_HISTOGRAM does not support Value"):
        metric.value()
    with raises_exactly("Failed to increment metric value: " + LAYER
                        + "TRITONSERVER_METRIC_KIND_HISTOGRAM does not support Increment"):
        metric.increment(1)


def test_wrong_argument_types_stay_type_errors(backend):
    family = MetricFamily("g", "d", GAUGE)
    metric = family.Metric()
    with pytest.raises(TypeError):
        metric.increment("1")
    with pytest.raises(TypeError):
        metric.set(None)


def test_errors_name_the_instance_that_created_the_metric(backend):
    family = MetricFamily("c", "d", COUNTER)
    metric = family.Metric()
    jepserve_context.set_current_instance(jepserve_context.InstanceContext("other_0_0", "other", "1"))
    with raises_exactly("Failed to increment metric value: " + LAYER + "TRITONSERVER_METRIC_KIND_COUNTER can "
                        "only be incremented monotonically by non-negative values."):
        metric.increment(-1)


def test_java_side_release_is_reported_with_its_message(backend):
    family = MetricFamily("c", "d", COUNTER)
    metric = family.Metric()
    metric._handle.release()  # what CustomMetrics.releaseOwner does at unload
    with raises_exactly("Failed to increment metric value: " + LAYER + CLEARED):
        metric.increment(1)


# --- lifetime ------------------------------------------------------------------------------------------------


def test_deleting_a_metric_keeps_its_series_while_the_family_lives(backend):
    family = MetricFamily("test_dup_metric", "dup metric", COUNTER)
    metric1 = family.Metric(labels={"example1": "label1"})
    metric2 = family.Metric(labels={"example1": "label1"})
    metric1.increment(7.5)
    del metric1
    gc.collect()
    assert backend.releases == []
    assert metric2.value() == 7.5
    assert backend.live_series("test_dup_metric")


def test_deleting_the_family_releases_every_series_once(backend):
    family = MetricFamily("c", "d", COUNTER)
    family.Metric(labels={"a": "1"})
    family.Metric(labels={"a": "1"})
    family.Metric(labels={"a": "2"})
    del family
    assert sorted(backend.releases) == [((("a", "1"),), INSTANCE), ((("a", "1"),), INSTANCE),
                                        ((("a", "2"),), INSTANCE)]
    assert backend.live_series("c") == {}


def test_keeping_only_the_metric_of_a_temporary_family_fails_like_triton(backend):
    metric = MetricFamily("c", "d", COUNTER).Metric()
    with raises_exactly("Failed to increment metric value: " + CLEARED):
        metric.increment(1)


@pytest.mark.parametrize("kind", [COUNTER, GAUGE])
def test_metric_lifetime_error(backend, kind):
    family = MetricFamily("test_metric_lifetime_error", "d", kind)
    metric = family.Metric(labels={"example1": "label1"})
    del family
    with raises_exactly("Failed to increment metric value: " + CLEARED):
        metric.increment(1)
    with raises_exactly("Failed to set metric value: " + CLEARED):
        metric.set(1)
    with raises_exactly("Failed to observe metric value: " + CLEARED):
        metric.observe(1)
    with raises_exactly("Failed to get metric value: " + CLEARED):
        metric.value()


def test_other_families_keep_a_shared_series_alive(backend):
    first = MetricFamily("shared", "d", GAUGE)
    second = MetricFamily("shared", "d", GAUGE)
    kept = second.Metric(labels={"k": "v"})
    first.Metric(labels={"k": "v"}).set(3)
    del first
    assert kept.value() == 3.0
    assert backend.live_series("shared")


def test_a_failed_family_constructor_does_not_break_garbage_collection(backend):
    with pytest.raises(TritonModelException):
        MetricFamily("__x", "d", COUNTER)
    gc.collect()


def test_a_released_handle_that_fails_to_release_does_not_stop_the_others(backend):
    family = MetricFamily("c", "d", COUNTER)
    broken = family.Metric(labels={"a": "1"})
    family.Metric(labels={"a": "2"})

    def failing_release():
        raise RuntimeError("server gone")

    broken._handle.release = failing_release
    del family
    assert backend.live_series("c") == {(("a", "1"),): backend.families["c"].series_by_key[(("a", "1"),)]}
