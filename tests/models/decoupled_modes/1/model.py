"""decoupled_modes: one decoupled model, many behaviours, chosen per request by the MODE input.

Misuses of the response sender raise TritonModelException; the model keeps the message and a later
request with MODE "last_error" gets it back as TEXT, so tests can read the exact texts.
"""

import threading
import time

import numpy as np
import triton_python_backend_utils as pb_utils

FINAL = pb_utils.TRITONSERVER_RESPONSE_COMPLETE_FINAL


def text_response(text, parameters=None):
    tensor = pb_utils.Tensor("TEXT", np.array([text.encode()], dtype=np.object_))
    return pb_utils.InferenceResponse(output_tensors=[tensor], parameters=parameters)


class TritonPythonModel:
    def initialize(self, args):
        self.last_error = ""
        self.threads = []

    def remember(self, action):
        try:
            action()
            self.last_error = "no error"
        except pb_utils.TritonModelException as e:
            self.last_error = str(e)

    def execute(self, requests):
        for request in requests:
            mode = pb_utils.get_input_tensor_by_name(request, "MODE").as_numpy()[0].decode()
            sender = request.get_response_sender()
            if mode == "return_list":
                return [text_response("should not be accepted")]
            if mode == "raise":
                raise ValueError("decoupled model failed on purpose")
            if mode == "three":
                for i in range(3):
                    sender.send(text_response("part %d" % i, parameters={"index": i, "label": "p%d" % i,
                                                                           "last": i == 2}))
                sender.send(flags=FINAL)
            elif mode == "one_final":
                sender.send(text_response("only"), flags=FINAL)
            elif mode == "error_then_ok":
                error = pb_utils.TritonError("first part failed", pb_utils.TritonError.INVALID_ARG)
                sender.send(pb_utils.InferenceResponse(error=error))
                sender.send(text_response("second part"), flags=FINAL)
            elif mode == "double_final":
                sender.send(flags=FINAL)
                self.remember(lambda: sender.send(flags=FINAL))
            elif mode == "send_after_close":
                sender.send(text_response("closing"), flags=FINAL)
                self.remember(lambda: sender.send(text_response("too late")))
            elif mode == "bad_flag":
                self.remember(lambda: sender.send(text_response("x"), flags=2))
                sender.send(flags=FINAL)
            elif mode == "none_without_flag":
                self.remember(lambda: sender.send(None, flags=0))
                sender.send(flags=FINAL)
            elif mode == "last_error":
                sender.send(text_response(self.last_error), flags=FINAL)
            elif mode == "background":
                self.start(self.later, sender)
            elif mode == "until_cancelled":
                self.start(self.until_cancelled, sender, request)
            else:
                error = pb_utils.TritonError("unknown mode " + mode, pb_utils.TritonError.INVALID_ARG)
                sender.send(pb_utils.InferenceResponse(error=error), flags=FINAL)
        return None

    def start(self, target, *args):
        thread = threading.Thread(target=target, args=args, daemon=True)
        thread.start()
        self.threads.append(thread)

    @staticmethod
    def later(sender):
        time.sleep(0.3)  # long after execute() returned
        for i in range(2):
            sender.send(text_response("late %d" % i))
        sender.send(flags=FINAL)

    @staticmethod
    def until_cancelled(sender, request):
        deadline = time.monotonic() + 20
        while not sender.is_cancelled() and time.monotonic() < deadline:
            time.sleep(0.01)
        print("decoupled_modes: request cancelled=%s sender cancelled=%s" % (request.is_cancelled(),
                                                                            sender.is_cancelled()))
        error = pb_utils.TritonError("stopped: cancelled", pb_utils.TritonError.CANCELLED)
        sender.send(pb_utils.InferenceResponse(error=error), flags=FINAL)

    def finalize(self):
        for thread in self.threads:
            thread.join(timeout=5)
