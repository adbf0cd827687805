"""Streams a request to the decoupled echo_stream model over gRPC and checks the paced responses.

IN = [4, 5, 6] with a 100 ms delay and a 50 ms interval: three responses in order, OUT = IN[INDEX].
Usage: python examples/echo_stream/client.py [--url localhost:8001]
"""

import argparse
import queue
import sys
import time

import numpy as np
import tritonclient.grpc as grpcclient

MODEL = "echo_stream"


def tensor(name, datatype, values):
    array = np.array(values, dtype=np.int32 if datatype == "INT32" else np.uint32)
    result = grpcclient.InferInput(name, list(array.shape), datatype)
    result.set_data_from_numpy(array)
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", default="localhost:8001", help="server gRPC address (host:port)")
    url = parser.parse_args().url

    values = [4, 5, 6]
    answers = queue.Queue()
    received = []
    with grpcclient.InferenceServerClient(url) as client:
        client.start_stream(callback=lambda result, error: answers.put((result, error)))
        started = time.monotonic()
        client.async_stream_infer(MODEL, [tensor("IN", "INT32", values), tensor("DELAY_MS", "UINT32", [100]),
                                          tensor("INTERVAL_MS", "UINT32", [50])], request_id="echo")
        while len(received) < len(values):
            result, error = answers.get(timeout=30)
            if error is not None:
                sys.exit("FAIL: %s: %s" % (MODEL, error))
            received.append((int(result.as_numpy("INDEX")[0]), int(result.as_numpy("OUT")[0])))
        elapsed = time.monotonic() - started
        client.stop_stream()

    if received != list(enumerate(values)):
        sys.exit("FAIL: %s: got %s" % (MODEL, received))
    if elapsed < 0.2:
        sys.exit("FAIL: %s: responses came after %.3f s, faster than the requested pacing" % (MODEL, elapsed))
    print("PASS: %s" % MODEL)


if __name__ == "__main__":
    main()
