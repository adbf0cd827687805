"""Checks pb_utils custom metrics against Triton's semantics, from inside execute().

Each request must carry the string parameter "metrics_url" (the server's /metrics address). execute() runs
the CustomMetricsSemantics test case with unittest, scraping that URL while it runs, and answers
OUTPUT0 = [True] only if every test passed. Failures are printed by the runner on stderr and also logged
with pb_utils.Logger.log_error, so the server log says what went wrong.

Every test uses its own family names (prefix "semantics_") and drops its families before it ends, so the
tests do not see each other's series and the model can be called again.
"""

import gc
import json
import sys
import unittest
import urllib.request

import numpy as np
import triton_python_backend_utils as pb_utils

MetricFamily = pb_utils.MetricFamily

DELETED_FAMILY_ERROR = "Invalid metric operation as the corresponding 'MetricFamily' has been deleted"

HISTOGRAM_BUCKETS = [0.1, 1.0, 2.5, 5.0, 10.0]
HISTOGRAM_LE = ["0.1", "1", "2.5", "5", "10", "+Inf"]


class CustomMetricsSemantics(unittest.TestCase):
    """Triton's custom-metric behaviour as a model sees it. execute() sets the two class attributes."""

    metrics_url = None
    instance_name = None

    # --- helpers -----------------------------------------------------------------------------------

    def scrape(self):
        """The exposition text of /metrics, as it is right now."""
        with urllib.request.urlopen(self.metrics_url, timeout=30) as reply:
            return reply.read().decode("utf-8")

    def scrape_lines(self):
        return self.scrape().splitlines()

    def assertFamilyHeader(self, lines, name, description, kind):
        """Exactly one HELP and one TYPE line for `name`, TYPE right after HELP."""
        help_line = "# HELP %s %s" % (name, description)
        type_line = "# TYPE %s %s" % (name, kind)
        self.assertEqual([l for l in lines if l.startswith("# HELP %s " % name)], [help_line])
        self.assertEqual([l for l in lines if l.startswith("# TYPE %s " % name)], [type_line])
        self.assertEqual(lines.index(type_line), lines.index(help_line) + 1)

    def assertRaisesModelException(self, text, call, *args, **kwargs):
        """`call(*args, **kwargs)` raises pb_utils.TritonModelException whose message contains `text`."""
        with self.assertRaises(pb_utils.TritonModelException) as caught:
            call(*args, **kwargs)
        if text:
            self.assertIn(text, str(caught.exception))
        return caught.exception

    @staticmethod
    def series(lines, name):
        """The sample lines of the plain series of family `name` (not its _count/_sum/_bucket lines)."""
        return [l for l in lines if l.startswith(name + "{") or l.startswith(name + " ")]

    @staticmethod
    def mentions(lines, name):
        """Every line of the exposition that belongs to family `name` (headers and samples)."""
        return [l for l in lines if l.split(" ")[0].split("{")[0] == name
                or l.startswith("# HELP %s " % name) or l.startswith("# TYPE %s " % name)]

    # --- counter, gauge, histogram end to end -------------------------------------------------------

    def test_counter_end_to_end(self):
        """A counter starts at 0, only grows, refuses set/observe, and prints Triton's exact lines."""
        name = "semantics_counter_e2e"
        family = MetricFamily(name=name, description="counter end to end", kind=MetricFamily.COUNTER)
        metric = family.Metric(labels={"b": "2", "a": "1"})
        self.assertEqual(metric.value(), 0.0)
        pb_utils.Logger.log_info("semantics: metrics and logging share the model's queue")
        metric.increment(2023)
        self.assertEqual(metric.value(), 2023.0)
        self.assertRaisesModelException("can only be incremented monotonically by non-negative values",
                                        metric.increment, -1)
        self.assertRaisesModelException("does not support Set", metric.set, 1.0)
        self.assertRaisesModelException("does not support Observe", metric.observe, 1.0)
        self.assertEqual(metric.value(), 2023.0)

        lines = self.scrape_lines()
        self.assertFamilyHeader(lines, name, "counter end to end", "counter")
        self.assertEqual(self.series(lines, name), ['semantics_counter_e2e{a="1",b="2"} 2023'])
        self.assertEqual(self.mentions(lines, name + "_total"), [])

    def test_gauge_end_to_end(self):
        """A gauge goes up and down, can be set, refuses observe, and prints Triton's exact lines."""
        name = "semantics_gauge_e2e"
        family = MetricFamily(name=name, description="gauge end to end", kind=MetricFamily.GAUGE)
        metric = family.Metric(labels={"b": "2", "a": "1"})
        self.assertEqual(metric.value(), 0.0)
        metric.increment(2023)
        self.assertEqual(metric.value(), 2023.0)
        self.assertIn('semantics_gauge_e2e{a="1",b="2"} 2023', self.scrape_lines())
        metric.increment(-23.5)
        self.assertEqual(metric.value(), 1999.5)
        self.assertIn('semantics_gauge_e2e{a="1",b="2"} 1999.5', self.scrape_lines())
        metric.set(999.9)
        self.assertEqual(metric.value(), 999.9)
        self.assertRaisesModelException("does not support Observe", metric.observe, 1.0)

        lines = self.scrape_lines()
        self.assertFamilyHeader(lines, name, "gauge end to end", "gauge")
        self.assertEqual(self.series(lines, name), ['semantics_gauge_e2e{a="1",b="2"} 999.9'])

    def test_histogram_end_to_end(self):
        """Exact _count/_sum/_bucket lines (le last, cumulative) before and after three observations."""
        name = "semantics_histogram_e2e"
        family = MetricFamily(name=name, description="histogram end to end", kind=MetricFamily.HISTOGRAM)
        metric = family.Metric(labels={"z": "last", "a": "first"}, buckets=list(HISTOGRAM_BUCKETS))
        labels = 'a="first",z="last"'

        def expected(count, total, cumulative):
            lines = ["%s_count{%s} %s" % (name, labels, count), "%s_sum{%s} %s" % (name, labels, total)]
            lines += ['%s_bucket{%s,le="%s"} %s' % (name, labels, le, n) for le, n in zip(HISTOGRAM_LE, cumulative)]
            return lines

        lines = self.scrape_lines()
        self.assertFamilyHeader(lines, name, "histogram end to end", "histogram")
        for line in expected(0, 0, [0] * 6):
            self.assertIn(line, lines)

        for value in (0.05, 1.5, 6.0):
            metric.observe(value)
        self.assertRaisesModelException("does not support Value", metric.value)
        self.assertRaisesModelException("does not support Increment", metric.increment, 1.0)
        self.assertRaisesModelException("does not support Set", metric.set, 1.0)

        lines = self.scrape_lines()
        for line in expected(3, 7.55, [1, 1, 2, 2, 3, 3]):
            self.assertIn(line, lines)
        self.assertEqual(len([l for l in lines if l.startswith("%s_count{%s} " % (name, labels))]), 1)
        self.assertEqual(len([l for l in lines if l.startswith("%s_sum{%s} " % (name, labels))]), 1)
        self.assertEqual(len([l for l in lines if l.startswith("%s_bucket{%s,le=" % (name, labels))]), 6)

    # --- histogram arguments ------------------------------------------------------------------------

    def test_histogram_requires_buckets(self):
        """A histogram metric without buckets, or with buckets=None, is refused."""
        family = MetricFamily(name="semantics_histogram_no_buckets", description="no buckets",
                              kind=MetricFamily.HISTOGRAM)
        self.assertRaisesModelException("Missing required buckets", family.Metric, labels={"a": "1"})
        self.assertRaisesModelException("Missing required buckets", family.Metric, labels={"a": "1"}, buckets=None)

    def test_histogram_buckets_strictly_increasing(self):
        """Unsorted and duplicate bucket boundaries are both refused."""
        family = MetricFamily(name="semantics_histogram_bad_buckets", description="bad buckets",
                              kind=MetricFamily.HISTOGRAM)
        self.assertRaisesModelException("Bucket Boundaries must be strictly sorted",
                                        family.Metric, labels={"case": "unsorted"}, buckets=[2.0, 1.0, 3.0])
        self.assertRaisesModelException("Bucket Boundaries must be strictly sorted",
                                        family.Metric, labels={"case": "duplicate"}, buckets=[1.0, 1.0, 3.0])

    def test_histogram_empty_buckets(self):
        """buckets=[] is accepted and gives only the +Inf bucket."""
        name = "semantics_histogram_empty_buckets"
        family = MetricFamily(name=name, description="empty buckets", kind=MetricFamily.HISTOGRAM)
        metric = family.Metric(labels={"a": "1"}, buckets=[])
        metric.observe(3.0)
        lines = self.scrape_lines()
        self.assertIn(name + '_count{a="1"} 1', lines)
        self.assertIn(name + '_sum{a="1"} 3', lines)
        self.assertEqual([l for l in lines if l.startswith(name + "_bucket{")], [name + '_bucket{a="1",le="+Inf"} 1'])

    def test_histogram_buckets_must_be_a_list(self):
        """A tuple of boundaries is refused: buckets must be a list."""
        family = MetricFamily(name="semantics_histogram_tuple_buckets", description="tuple buckets",
                              kind=MetricFamily.HISTOGRAM)
        self.assertRaisesModelException("Buckets must be a list", family.Metric, labels={"a": "1"},
                                        buckets=(0.1, 1.0))

    def test_buckets_refused_for_counter_and_gauge(self):
        """Only histograms take buckets."""
        for kind, suffix in ((MetricFamily.COUNTER, "counter"), (MetricFamily.GAUGE, "gauge")):
            family = MetricFamily(name="semantics_buckets_on_" + suffix, description="buckets on " + suffix,
                                  kind=kind)
            self.assertRaisesModelException("Unexpected buckets found", family.Metric, labels={"a": "1"},
                                            buckets=[1.0, 2.0])

    # --- labels ---------------------------------------------------------------------------------------

    def test_labels_must_be_a_dict(self):
        """Labels given as anything but a dict are refused."""
        family = MetricFamily(name="semantics_labels_not_dict", description="labels", kind=MetricFamily.COUNTER)
        self.assertRaisesModelException("Labels must be a dictionary", family.Metric, labels=[("a", "1")])
        self.assertRaisesModelException("Labels must be a dictionary", family.Metric, labels="a=1")

    def test_label_values_must_be_strings(self):
        """A non-string label value ({"version": 1}) is refused."""
        family = MetricFamily(name="semantics_label_value_int", description="labels", kind=MetricFamily.COUNTER)
        self.assertRaisesModelException("Error when creating Metric: ", family.Metric, labels={"version": 1})

    def test_invalid_label_names(self):
        """Label names must match [a-zA-Z_][a-zA-Z0-9_]* and must not start with __."""
        family = MetricFamily(name="semantics_label_names", description="labels", kind=MetricFamily.COUNTER)
        for bad in ("1abc", "__reserved", "a-b", "a:b", ""):
            with self.subTest(label=bad):
                self.assertRaisesModelException("Invalid label name", family.Metric, labels={bad: "x"})

    def test_empty_labels_and_none_are_one_series(self):
        """labels={} , labels=None and no labels all name the same unlabelled series, printed without {}."""
        name = "semantics_no_labels"
        family = MetricFamily(name=name, description="no labels", kind=MetricFamily.GAUGE)
        empty = family.Metric(labels={})
        none = family.Metric(labels=None)
        default = family.Metric()
        empty.increment(5)
        self.assertEqual(none.value(), 5.0)
        self.assertEqual(default.value(), 5.0)
        self.assertEqual(self.series(self.scrape_lines(), name), [name + " 5"])

    # --- duplicates -----------------------------------------------------------------------------------

    def test_duplicate_family_same_kind_is_merged(self):
        """Two families with one name and kind print one HELP/TYPE block (first description) over both series."""
        name = "semantics_dup_family"
        first = MetricFamily(name=name, description="first description", kind=MetricFamily.COUNTER)
        second = MetricFamily(name=name, description="second description", kind=MetricFamily.COUNTER)
        one = first.Metric(labels={"which": "one"})
        two = second.Metric(labels={"which": "two"})
        lines = self.scrape_lines()
        self.assertFamilyHeader(lines, name, "first description", "counter")
        self.assertEqual(sorted(self.series(lines, name)),
                         [name + '{which="one"} 0', name + '{which="two"} 0'])
        self.assertNotIn("second description", "\n".join(lines))

    def test_first_description_wins_after_delete(self):
        """The first description stays even after its family object is deleted; the second never shows."""
        name = "semantics_dup_description"
        first = MetricFamily(name=name, description="first description", kind=MetricFamily.GAUGE)
        first_metric = first.Metric(labels={"which": "first"})
        first_metric.set(1)
        del first_metric, first
        gc.collect()
        second = MetricFamily(name=name, description="second description", kind=MetricFamily.GAUGE)
        second_metric = second.Metric(labels={"which": "second"})
        second_metric.set(2)
        lines = self.scrape_lines()
        self.assertFamilyHeader(lines, name, "first description", "gauge")
        self.assertEqual(self.series(lines, name), [name + '{which="second"} 2'])
        self.assertNotIn("second description", "\n".join(lines))

    def test_duplicate_family_other_kind_raises(self):
        """A name already used by a counter family cannot become a gauge family."""
        name = "semantics_dup_kind"
        counter = MetricFamily(name=name, description="a counter", kind=MetricFamily.COUNTER)
        self.assertRaisesModelException("Family name already exists with different type",
                                        MetricFamily, name=name, description="a gauge", kind=MetricFamily.GAUGE)
        self.assertIsNotNone(counter)

    def test_equal_label_sets_share_one_series(self):
        """Two handles with equal labels read and write one value; it survives `del` of one handle."""
        name = "semantics_dup_labels"
        family = MetricFamily(name=name, description="dup labels", kind=MetricFamily.COUNTER)
        metric1 = family.Metric(labels={"a": "1", "b": "2"})
        metric2 = family.Metric(labels={"b": "2", "a": "1"})
        metric1.increment(5)
        self.assertEqual(metric2.value(), 5.0)
        metric2.increment(1)
        self.assertEqual(metric1.value(), 6.0)
        self.assertEqual(self.series(self.scrape_lines(), name), [name + '{a="1",b="2"} 6'])
        del metric1
        gc.collect()
        self.assertEqual(metric2.value(), 6.0)
        self.assertEqual(self.series(self.scrape_lines(), name), [name + '{a="1",b="2"} 6'])

    # --- lifetime -------------------------------------------------------------------------------------

    def test_deleting_the_only_handle_keeps_the_series(self):
        """`del metric` removes nothing while its family object lives: the family keeps the series."""
        name = "semantics_handle_deleted"
        family = MetricFamily(name=name, description="handle deleted", kind=MetricFamily.GAUGE)
        metric = family.Metric(labels={"a": "1"})
        metric.set(4)
        del metric
        gc.collect()
        self.assertEqual(self.series(self.scrape_lines(), name), [name + '{a="1"} 4'])
        self.assertIsNotNone(family)

    def test_metric_outliving_its_family_raises(self):
        """After the family object is collected, a surviving handle raises and its series is gone."""
        for kind, suffix in ((MetricFamily.COUNTER, "counter"), (MetricFamily.GAUGE, "gauge")):
            with self.subTest(kind=suffix):
                name = "semantics_lifetime_" + suffix
                family = MetricFamily(name=name, description="lifetime " + suffix, kind=kind)
                metric = family.Metric(labels={"a": "1"})
                metric.increment(7)
                self.assertEqual(self.series(self.scrape_lines(), name), [name + '{a="1"} 7'])
                del family
                gc.collect()
                self.assertRaisesModelException(DELETED_FAMILY_ERROR, metric.increment, 1)
                self.assertRaisesModelException(DELETED_FAMILY_ERROR, metric.value)
                if kind == MetricFamily.GAUGE:
                    self.assertRaisesModelException(DELETED_FAMILY_ERROR, metric.set, 1)
                self.assertEqual(self.series(self.scrape_lines(), name), [])

    def test_family_without_series_is_not_printed(self):
        """A family that has no series prints nothing, not even HELP/TYPE."""
        name = "semantics_empty_family"
        family = MetricFamily(name=name, description="nothing to show", kind=MetricFamily.COUNTER)
        self.assertEqual(self.mentions(self.scrape_lines(), name), [])
        self.assertIsNotNone(family)

    # --- names, kinds, descriptions -------------------------------------------------------------------

    def test_invalid_metric_names(self):
        """Family names must match [a-zA-Z_:][a-zA-Z0-9_:]* and must not start with __."""
        for bad in ("1abc", "__x", "a-b", "a b", ""):
            with self.subTest(name=bad):
                self.assertRaisesModelException("Invalid metric name", MetricFamily, name=bad,
                                                description="bad name", kind=MetricFamily.COUNTER)

    def test_valid_metric_name_with_colon(self):
        """Colons and underscores are valid in family names."""
        name = "semantics:colon_name_ok"
        family = MetricFamily(name=name, description="colon", kind=MetricFamily.COUNTER)
        metric = family.Metric()
        metric.increment(1)
        self.assertEqual(self.series(self.scrape_lines(), name), [name + " 1"])

    def test_kind_must_be_the_enum(self):
        """A plain int kind is a TypeError; only MetricFamily.COUNTER/GAUGE/HISTOGRAM are kinds."""
        for kind in (0, 1, 2):
            with self.subTest(kind=kind):
                with self.assertRaises(TypeError):
                    MetricFamily(name="semantics_int_kind", description="int kind", kind=kind)

    def test_none_arguments_are_type_errors(self):
        """None for name, description or kind is a TypeError."""
        arguments = {"name": "semantics_none_argument", "description": "none", "kind": MetricFamily.COUNTER}
        for key in arguments:
            with self.subTest(argument=key):
                with self.assertRaises(TypeError):
                    MetricFamily(**dict(arguments, **{key: None}))

    def test_module_level_kinds(self):
        """pb_utils.COUNTER/GAUGE/HISTOGRAM are the MetricFamily kinds and create families of each type."""
        self.assertEqual(pb_utils.COUNTER, MetricFamily.COUNTER)
        self.assertEqual(pb_utils.GAUGE, MetricFamily.GAUGE)
        self.assertEqual(pb_utils.HISTOGRAM, MetricFamily.HISTOGRAM)
        created = []
        for kind, type_name in ((pb_utils.COUNTER, "counter"), (pb_utils.GAUGE, "gauge"),
                                (pb_utils.HISTOGRAM, "histogram")):
            name = "semantics_module_" + type_name
            family = MetricFamily(name=name, description="module " + type_name, kind=kind)
            metric = family.Metric(buckets=[1.0]) if kind == pb_utils.HISTOGRAM else family.Metric()
            created.append((family, metric, name, type_name))
        lines = self.scrape_lines()
        for _, _, name, type_name in created:
            self.assertFamilyHeader(lines, name, "module " + type_name, type_name)

    def test_empty_description_omits_help(self):
        """An empty description prints no # HELP line; # TYPE and the series remain."""
        name = "semantics_empty_description"
        family = MetricFamily(name=name, description="", kind=MetricFamily.GAUGE)
        metric = family.Metric()
        metric.set(3)
        lines = self.scrape_lines()
        self.assertEqual([l for l in lines if l.startswith("# HELP %s" % name)], [])
        self.assertIn("# TYPE %s gauge" % name, lines)
        self.assertEqual(self.series(lines, name), [name + " 3"])

    # --- exposition format ----------------------------------------------------------------------------

    def test_number_formatting(self):
        """Values print like C %.16g, with +Inf/-Inf for infinities."""
        name = "semantics_number_format"
        family = MetricFamily(name=name, description="numbers", kind=MetricFamily.GAUGE)
        metric = family.Metric(labels={"a": "1"})
        for value, text in ((0.0, "0"), (-3.0, "-3"), (0.1, "0.1"), (1e16, "1e+16"), (1.0 / 3, "0.3333333333333333"),
                            (float("inf"), "+Inf"), (float("-inf"), "-Inf")):
            with self.subTest(value=value):
                metric.set(value)
                self.assertEqual(self.series(self.scrape_lines(), name), [name + '{a="1"} ' + text])

    def test_label_value_escaping(self):
        """Backslash, double quote and newline in label values are escaped in the exposition."""
        name = "semantics_label_escaping"
        family = MetricFamily(name=name, description="escaping", kind=MetricFamily.COUNTER)
        metric = family.Metric(labels={"path": 'C:\\dir "x"\nnext'})
        metric.increment(1)
        self.assertEqual(self.series(self.scrape_lines(), name), [name + '{path="C:\\\\dir \\"x\\"\\nnext"} 1'])

    # --- error texts ----------------------------------------------------------------------------------

    def test_increment_error_is_layered(self):
        """A failing increment says which operation failed, then which model instance, then why."""
        family = MetricFamily(name="semantics_error_layers", description="errors", kind=MetricFamily.COUNTER)
        metric = family.Metric(labels={"a": "1"})
        error = self.assertRaisesModelException(None, metric.increment, -1)
        message = str(error)
        self.assertTrue(message.startswith("Failed to increment metric value: "), message)
        self.assertIn("Failed to process the request for model '%s', message: " % self.instance_name, message)

    def test_error_prefix_per_operation(self):
        """Each metric operation names itself first in its error message."""
        counter = MetricFamily(name="semantics_error_prefixes", description="errors", kind=MetricFamily.COUNTER)
        metric = counter.Metric(labels={"a": "1"})
        histogram_family = MetricFamily(name="semantics_error_prefixes_histogram", description="errors",
                                        kind=MetricFamily.HISTOGRAM)
        histogram = histogram_family.Metric(buckets=[1.0])
        cases = [
            ("Failed to set metric value: ", metric.set, (1.0,), {}),
            ("Failed to observe metric value: ", metric.observe, (1.0,), {}),
            ("Failed to get metric value: ", histogram.value, (), {}),
            ("Error when creating MetricFamily: ", MetricFamily, (),
             {"name": "1abc", "description": "bad", "kind": MetricFamily.COUNTER}),
            ("Error when creating Metric: ", counter.Metric, (), {"labels": {"1abc": "x"}}),
        ]
        for prefix, call, args, kwargs in cases:
            with self.subTest(prefix=prefix):
                message = str(self.assertRaisesModelException(None, call, *args, **kwargs))
                self.assertTrue(message.startswith(prefix), message)
                self.assertIn("Failed to process the request for model '%s', message: " % self.instance_name,
                              message)


class TritonPythonModel:
    def initialize(self, args):
        self.instance_name = args["model_instance_name"]

    def execute(self, requests):
        responses = []
        for request in requests:
            metrics_url = json.loads(request.parameters()).get("metrics_url")
            if not isinstance(metrics_url, str):
                responses.append(pb_utils.InferenceResponse(error=pb_utils.TritonError(
                    "the string request parameter 'metrics_url' is required", pb_utils.TritonError.INVALID_ARG)))
                continue
            passed = self.run_semantics(metrics_url)
            responses.append(pb_utils.InferenceResponse([pb_utils.Tensor("OUTPUT0", np.array([passed], dtype=bool))]))
        return responses

    def run_semantics(self, metrics_url):
        """Runs every CustomMetricsSemantics test; logs each failure; True when all passed."""
        CustomMetricsSemantics.metrics_url = metrics_url
        CustomMetricsSemantics.instance_name = self.instance_name
        suite = unittest.defaultTestLoader.loadTestsFromTestCase(CustomMetricsSemantics)
        result = unittest.TextTestRunner(stream=sys.stderr, verbosity=2).run(suite)
        for test, text in result.errors + result.failures:
            pb_utils.Logger.log_error("custom_metrics_semantics: %s failed:\n%s" % (test.id(), text))
        gc.collect()
        return result.wasSuccessful()
