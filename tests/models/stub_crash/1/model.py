"""stub_crash: a model that takes its own process down on request (MODE "exit" or "segfault", "slow_exit" after
0.3 s); "pid" answers its process id, "slow_pid" too after 0.2 s (so that requests sent together need every
instance)."""

import ctypes
import os
import time

import numpy as np
import triton_python_backend_utils as pb_utils


class TritonPythonModel:
    def initialize(self, args):
        # The tests count these lines: a restarted stub runs initialize again.
        print("stub_crash initialize in pid %d" % os.getpid(), flush=True)

    def execute(self, requests):
        responses = []
        for request in requests:
            mode = pb_utils.get_input_tensor_by_name(request, "MODE").as_numpy()[0].decode()
            if mode == "exit":
                os._exit(1)
            if mode == "slow_exit":
                time.sleep(0.3)
                os._exit(1)
            if mode == "segfault":
                ctypes.string_at(0)
            if mode == "slow_pid":
                time.sleep(0.2)
            text = "pid:%d" % os.getpid()
            responses.append(pb_utils.InferenceResponse([pb_utils.Tensor("TEXT", np.array([text.encode()],
                                                                                          dtype=np.object_))]))
        return responses
