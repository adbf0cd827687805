"""Adds each request's ADD to a counter whose series all instances share (same labels), and answers the value
read right after (VALUE) and its process id (PID). Each execute holds its instance 20 ms, so that requests sent
together need both instances."""
import os
import time

import numpy as np
import triton_python_backend_utils as pb_utils


class TritonPythonModel:
    def initialize(self, args):
        self.family = pb_utils.MetricFamily(name="shared_counter_total", description="added by every instance",
                                            kind=pb_utils.MetricFamily.COUNTER)
        self.metric = self.family.Metric(labels={"model": args["model_name"]})

    def execute(self, requests):
        time.sleep(0.02)
        responses = []
        for request in requests:
            amount = float(pb_utils.get_input_tensor_by_name(request, "ADD").as_numpy()[0])
            self.metric.increment(amount)
            responses.append(pb_utils.InferenceResponse(output_tensors=[
                pb_utils.Tensor("VALUE", np.array([self.metric.value()], dtype=np.float64)),
                pb_utils.Tensor("PID", np.array([os.getpid()], dtype=np.int64))]))
        return responses
