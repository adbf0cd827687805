"""An is_ready() whose behaviour the config's READY_MODE parameter picks: true, false, raise, nonbool, async,
async_false, slow (sleeps longer than the server's 5 s limit), flip (the answer follows the input of the last
request: 0 means not ready)."""

import asyncio
import json
import time

import triton_python_backend_utils as pb_utils


class TritonPythonModel:
    def initialize(self, args):
        config = json.loads(args["model_config"])
        self.mode = config["parameters"]["READY_MODE"]["string_value"]
        self.flag = True
        if self.mode.startswith("async"):
            self.is_ready = self._is_ready_async

    def is_ready(self):
        if self.mode == "true":
            return True
        if self.mode == "false":
            return False
        if self.mode == "raise":
            raise RuntimeError("not ready: the cache is cold")
        if self.mode == "nonbool":
            return "yes"
        if self.mode == "slow":
            time.sleep(8)
            return True
        if self.mode == "flip":
            return self.flag
        return True

    async def _is_ready_async(self):
        await asyncio.sleep(0.01)
        return self.mode == "async"

    def execute(self, requests):
        responses = []
        for request in requests:
            x = pb_utils.get_input_tensor_by_name(request, "X").as_numpy()
            self.flag = bool(x[0])
            responses.append(pb_utils.InferenceResponse([pb_utils.Tensor("Y", x)]))
        return responses
