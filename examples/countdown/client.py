"""Streams requests to the decoupled countdown model over gRPC and checks every response.

For N = 0, 3 and 5 the model must send N responses COUNT = N..1 and then an empty final response.
Usage: python examples/countdown/client.py [--url localhost:8001]
"""

import argparse
import queue
import sys

import numpy as np
import tritonclient.grpc as grpcclient

MODEL = "countdown"


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", default="localhost:8001", help="server gRPC address (host:port)")
    url = parser.parse_args().url

    answers = queue.Queue()
    counts = {}
    with grpcclient.InferenceServerClient(url) as client:
        client.start_stream(callback=lambda result, error: answers.put((result, error)))
        for n in (0, 3, 5):
            value = grpcclient.InferInput("N", [1], "INT32")
            value.set_data_from_numpy(np.array([n], dtype=np.int32))
            client.async_stream_infer(MODEL, [value], request_id="n%d" % n, enable_empty_final_response=True)
            counts["n%d" % n] = []
        open_requests = set(counts)
        while open_requests:
            result, error = answers.get(timeout=30)
            if error is not None:
                sys.exit("FAIL: %s: %s" % (MODEL, error))
            response = result.get_response()
            if response.outputs:
                counts[response.id].append(int(result.as_numpy("COUNT")[0]))
            if response.parameters["triton_final_response"].bool_param:
                open_requests.discard(response.id)
        client.stop_stream()

    expected = {"n%d" % n: list(range(n, 0, -1)) for n in (0, 3, 5)}
    if counts != expected:
        sys.exit("FAIL: %s: got %s, expected %s" % (MODEL, counts, expected))
    print("PASS: %s" % MODEL)


if __name__ == "__main__":
    main()
