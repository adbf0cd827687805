import json
import os

import numpy as np
import triton_python_backend_utils as pb_utils


def region_mappings():
    """(start, end) of this process's mappings of a stub input region file."""
    spans = []
    with open("/proc/self/maps") as maps:
        for line in maps:
            fields = line.split()
            if len(fields) >= 6 and os.path.basename(fields[5]).startswith("jepserve_stub_") and fields[5].endswith("_in"):
                start, end = (int(part, 16) for part in fields[0].split("-"))
                spans.append((start, end))
    return spans


class TritonPythonModel:
    def execute(self, requests):
        responses = []
        for request in requests:
            data = pb_utils.get_input_tensor_by_name(request, "IN").as_numpy()
            address = data.__array_interface__["data"][0]
            view = any(start <= address < end for start, end in region_mappings()) if data.size else False
            repeat = int(json.loads(request.parameters()).get("repeat", 1))
            out = np.tile(data, repeat) if repeat != 1 else data
            responses.append(pb_utils.InferenceResponse([
                pb_utils.Tensor("OUT", out),
                pb_utils.Tensor("VIEW", np.array([view])),
                pb_utils.Tensor("PID", np.array([os.getpid()], dtype=np.int64)),
            ]))
        return responses
