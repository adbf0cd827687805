"""text_stats: word counts of a batch of strings, with two custom metrics.

- a GAUGE, text_stats_last_request_items: how many strings the latest request carried;
- a HISTOGRAM, text_stats_item_bytes: the size of every string seen, in byte buckets.
"""

import numpy as np
import triton_python_backend_utils as pb_utils

SIZE_BUCKETS = [8.0, 64.0, 512.0, 4096.0]


class TritonPythonModel:
    def initialize(self, args):
        labels = {"model": args["model_name"], "version": args["model_version"]}
        self.items_family = pb_utils.MetricFamily(
            name="text_stats_last_request_items",
            description="Number of strings in the latest request",
            kind=pb_utils.MetricFamily.GAUGE,
        )
        self.sizes_family = pb_utils.MetricFamily(
            name="text_stats_item_bytes",
            description="Size of each input string in bytes",
            kind=pb_utils.MetricFamily.HISTOGRAM,
        )
        self.items = self.items_family.Metric(labels=labels)
        self.sizes = self.sizes_family.Metric(labels=labels, buckets=SIZE_BUCKETS)

    def execute(self, requests):
        responses = []
        for request in requests:
            texts = pb_utils.get_input_tensor_by_name(request, "TEXT").as_numpy().reshape(-1)
            self.items.set(len(texts))
            for text in texts:
                self.sizes.observe(len(text))
            words = np.array([len(text.split()) for text in texts], dtype=np.int32)
            responses.append(pb_utils.InferenceResponse([pb_utils.Tensor("WORDS", words)]))
        return responses
