"""custom_metrics: add/sub of two FP32[4] inputs that counts its own processing time in a custom metric.

Uses pb_utils.MetricFamily (a COUNTER), family.Metric(labels=...), metric.increment/value and
pb_utils.Logger. Runs unchanged under tritonserver and under jepserve.
"""

import json
import time

import triton_python_backend_utils as pb_utils


class TritonPythonModel:
    def initialize(self, args):
        config = json.loads(args["model_config"])
        self.output_dtypes = [
            pb_utils.triton_string_to_numpy(pb_utils.get_output_config_by_name(config, name)["data_type"])
            for name in ("OUTPUT0", "OUTPUT1")
        ]
        # A family is the metric name, its help text and its kind. Every instance creates the same family
        # and the same label set, so the three instances share one series.
        self.latency_family = pb_utils.MetricFamily(
            name="requests_process_latency_ns",
            description="Cumulative time spent processing requests",
            kind=pb_utils.MetricFamily.COUNTER,
        )
        self.latency = self.latency_family.Metric(
            labels={"model": args["model_name"], "version": args["model_version"]})

    def execute(self, requests):
        started = time.time_ns()
        responses = []
        for request in requests:
            in0 = pb_utils.get_input_tensor_by_name(request, "INPUT0").as_numpy()
            in1 = pb_utils.get_input_tensor_by_name(request, "INPUT1").as_numpy()
            out0 = pb_utils.Tensor("OUTPUT0", (in0 + in1).astype(self.output_dtypes[0]))
            out1 = pb_utils.Tensor("OUTPUT1", (in0 - in1).astype(self.output_dtypes[1]))
            responses.append(pb_utils.InferenceResponse(output_tensors=[out0, out1]))
        # One increment per execute() call, visible on the metrics endpoint as soon as it returns.
        self.latency.increment(time.time_ns() - started)
        pb_utils.Logger.log_info("Cumulative requests processing latency: {}".format(self.latency.value()))
        return responses

    def finalize(self):
        print("Cleaning up...")
