"""metric_increment: how long one pb_utils custom-metric increment takes, measured inside execute().

For each request it calls self.counter.increment(1.0) N times (input N, INT64 [1]) between two
time.perf_counter_ns() readings and returns the nanoseconds per call (NS_PER_CALL, the Python loop
included). LOOP_NS_PER_ITER is the same loop calling a no-op Python method, for scale.
Runs unchanged under tritonserver and under jepserve.
"""

import time

import numpy as np
import triton_python_backend_utils as pb_utils


class _NoOp:
    def increment(self, value):
        pass


class TritonPythonModel:
    def initialize(self, args):
        family = pb_utils.MetricFamily(
            name="bench_metric_increments",
            description="Increments made by the metric_increment benchmark",
            kind=pb_utils.MetricFamily.COUNTER,
        )
        self.family = family  # a family must outlive its metrics
        self.counter = family.Metric(labels={"model": args["model_name"]})
        self.noop = _NoOp()

    def _time(self, target, n):
        started = time.perf_counter_ns()
        for _ in range(n):
            target.increment(1.0)
        return (time.perf_counter_ns() - started) / n

    def execute(self, requests):
        responses = []
        for request in requests:
            n = int(pb_utils.get_input_tensor_by_name(request, "N").as_numpy()[0])
            per_call = self._time(self.counter, n)
            per_loop = self._time(self.noop, n)
            responses.append(pb_utils.InferenceResponse(output_tensors=[
                pb_utils.Tensor("NS_PER_CALL", np.array([per_call], dtype=np.float64)),
                pb_utils.Tensor("LOOP_NS_PER_ITER", np.array([per_loop], dtype=np.float64)),
            ]))
        return responses
