"""Writes to stdout, stderr and every pb_utils.Logger level in execute(), tagged with the request's TAG."""

import sys

import triton_python_backend_utils as pb_utils


class TritonPythonModel:
    def execute(self, requests):
        responses = []
        for request in requests:
            tag = pb_utils.get_input_tensor_by_name(request, "TAG").as_numpy()[0].decode()
            print("stdout line for " + tag)
            sys.stderr.write("stderr line for " + tag + "\n")
            pb_utils.Logger.log_info("info line for " + tag)
            pb_utils.Logger.log_warn("warning line for " + tag)
            pb_utils.Logger.log_error("error line for " + tag)
            pb_utils.Logger.log_verbose("verbose line for " + tag)
            pb_utils.Logger.log("explicit level line for " + tag, pb_utils.Logger.WARNING)
            echo = pb_utils.get_input_tensor_by_name(request, "TAG").as_numpy()
            responses.append(pb_utils.InferenceResponse([pb_utils.Tensor("ECHO", echo)]))
        return responses

    def finalize(self):
        print("chatty finalize ran")
