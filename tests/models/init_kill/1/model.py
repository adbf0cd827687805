"""init_kill: sends itself SIGKILL while initializing (as Triton's init_exit QA model does)."""

import os
import signal


class TritonPythonModel:
    def initialize(self, args):
        os.kill(os.getpid(), signal.SIGKILL)

    def execute(self, requests):
        raise RuntimeError("never reached")
