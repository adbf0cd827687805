"""echo_stream: a decoupled model that streams its input back, one element per response, paced in time.

Each request gets len(IN) responses (OUT = IN[i], INDEX = i): the first DELAY_MS after the request arrived,
the next ones every INTERVAL_MS. A request the client cancels stops early with a CANCELLED error.
Written with `async def execute`: the pacing awaits asyncio.sleep, so one instance streams many requests at
the same time (a decoupled async execute returns at once and the instance takes the next batch).
"""

import asyncio
import json

import numpy as np
import triton_python_backend_utils as pb_utils

FINAL = pb_utils.TRITONSERVER_RESPONSE_COMPLETE_FINAL


class TritonPythonModel:
    def initialize(self, args):
        if not pb_utils.using_decoupled_model_transaction_policy(json.loads(args["model_config"])):
            raise pb_utils.TritonModelException("echo_stream must be decoupled")

    async def execute(self, requests):
        await asyncio.gather(*(self.stream(request) for request in requests))
        return None

    async def stream(self, request):
        values = pb_utils.get_input_tensor_by_name(request, "IN").as_numpy()
        delay = int(pb_utils.get_input_tensor_by_name(request, "DELAY_MS").as_numpy()[0]) / 1000
        interval = int(pb_utils.get_input_tensor_by_name(request, "INTERVAL_MS").as_numpy()[0]) / 1000
        sender = request.get_response_sender()
        await asyncio.sleep(delay)
        for index, value in enumerate(values.tolist()):
            if index:
                await asyncio.sleep(interval)
            if sender.is_cancelled():
                error = pb_utils.TritonError("echo_stream: request cancelled", pb_utils.TritonError.CANCELLED)
                sender.send(pb_utils.InferenceResponse(error=error), flags=FINAL)
                return
            outputs = [pb_utils.Tensor("OUT", np.array([value], dtype=np.int32)),
                       pb_utils.Tensor("INDEX", np.array([index], dtype=np.uint32))]
            sender.send(pb_utils.InferenceResponse(output_tensors=outputs))
        sender.send(flags=FINAL)
