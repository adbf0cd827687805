"""Counts its requests in a custom counter shared by its two instances."""

import triton_python_backend_utils as pb_utils


class TritonPythonModel:
    def initialize(self, args):
        self.family = pb_utils.MetricFamily("unload_test_requests", "Requests seen by unload_metrics_a",
                                            pb_utils.MetricFamily.COUNTER)
        self.requests = self.family.Metric(labels={"model": args["model_name"]})

    def execute(self, requests):
        self.requests.increment(len(requests))
        return [pb_utils.InferenceResponse([pb_utils.Tensor("Y", pb_utils.get_input_tensor_by_name(r, "X").as_numpy())]) for r in requests]
