"""async_overlap: a non-decoupled `async def execute` that answers how many executions of its instance were
awaiting when it began, itself included (Y = [count]), then awaits 0.1 s. An instance runs its executions one
after the other, so requests sent together all get 1."""

import asyncio

import numpy as np
import triton_python_backend_utils as pb_utils


class TritonPythonModel:
    def initialize(self, args):
        self.awaiting = 0

    async def execute(self, requests):
        self.awaiting += 1
        count = self.awaiting
        try:
            await asyncio.sleep(0.1)
        finally:
            self.awaiting -= 1
        return [pb_utils.InferenceResponse([pb_utils.Tensor("Y", np.array([count], dtype=np.int32))])
                for _ in requests]
