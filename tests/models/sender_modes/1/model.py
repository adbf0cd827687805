"""sender_modes: a non-decoupled model that may answer through get_response_sender() exactly once.

MODE "sender": one response through the sender, execute returns None. "sender_then_final": the response
without the final flag, then a flag-only final. "twice": a second response is refused; the refusal text
is the answer of the next "last_error" request. "complete_first": a flag-only final before any response
is refused (kept for "last_error"), then the response goes out. "mixed": execute returns [None] for the
request answered through the sender.
"""

import numpy as np
import triton_python_backend_utils as pb_utils

FINAL = pb_utils.TRITONSERVER_RESPONSE_COMPLETE_FINAL


def text_response(text):
    return pb_utils.InferenceResponse([pb_utils.Tensor("TEXT", np.array([text.encode()], dtype=np.object_))])


class TritonPythonModel:
    def initialize(self, args):
        self.last_error = ""

    def execute(self, requests):
        for request in requests:
            mode = pb_utils.get_input_tensor_by_name(request, "MODE").as_numpy()[0].decode()
            sender = request.get_response_sender()
            if mode == "sender":
                sender.send(text_response("via sender"), flags=FINAL)
            elif mode == "sender_then_final":
                sender.send(text_response("response then final"))
                sender.send(flags=FINAL)
            elif mode == "twice":
                sender.send(text_response("first"))
                try:
                    sender.send(text_response("second"))
                except pb_utils.TritonModelException as e:
                    self.last_error = str(e)
            elif mode == "complete_first":
                try:
                    sender.send(flags=FINAL)
                except pb_utils.TritonModelException as e:
                    self.last_error = str(e)
                sender.send(text_response("after the refused final"), flags=FINAL)
            elif mode == "last_error":
                sender.send(text_response(self.last_error), flags=FINAL)
            elif mode == "mixed":
                sender.send(text_response("mixed"), flags=FINAL)
                return [None]
        return None
