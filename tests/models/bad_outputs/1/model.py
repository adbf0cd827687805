"""Each MODE returns outputs that are wrong in one way (see config.pbtxt for what is right)."""

import numpy as np
import triton_python_backend_utils as pb_utils


def _out(values, dtype=np.float32):
    return pb_utils.Tensor("OUT", np.array(values, dtype=dtype))


def _txt(value=b"ok"):
    return pb_utils.Tensor("TXT", np.array([value], dtype=np.object_))


_MODES = {
    "ok": lambda: [_out([1.0, 2.0]), _txt()],
    "nan": lambda: [_out([float("nan"), float("inf")]), _txt()],
    "latin1": lambda: [_out([1.0, 2.0]), _txt(b"caf\xe9")],
    "unknown": lambda: [_out([1.0, 2.0]), _txt(), pb_utils.Tensor("EXTRA", np.zeros(1, np.float32))],
    "dtype": lambda: [_out([1.0, 2.0], np.float64), _txt()],
    "shape": lambda: [_out([1.0, 2.0, 3.0]), _txt()],
    "duplicate": lambda: [_out([1.0, 2.0]), _out([3.0, 4.0]), _txt()],
    "missing": lambda: [_txt()],
}


class TritonPythonModel:
    def execute(self, requests):
        responses = []
        for request in requests:
            mode = pb_utils.get_input_tensor_by_name(request, "MODE").as_numpy()[0].decode()
            responses.append(pb_utils.InferenceResponse(_MODES[mode]()))
        return responses
