"""Checks bls_async: the sum from add_sub and the difference from custom_metrics, called concurrently.

Usage: python examples/bls_async/client.py [--url localhost:8000]
"""

import argparse
import sys

import numpy as np
import tritonclient.http as httpclient

MODEL = "bls_async"


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", default="localhost:8000", help="server HTTP address (host:port)")
    url = parser.parse_args().url

    a = np.array([5, 6, 7, 8], dtype=np.float32)
    b = np.array([1, 2, 3, 4], dtype=np.float32)
    tensors = [httpclient.InferInput("INPUT0", [4], "FP32"), httpclient.InferInput("INPUT1", [4], "FP32")]
    tensors[0].set_data_from_numpy(a)
    tensors[1].set_data_from_numpy(b)
    with httpclient.InferenceServerClient(url, concurrency=4) as client:
        pending = [client.async_infer(MODEL, tensors) for _ in range(4)]
        for request in pending:
            result = request.get_result()
            total, difference = result.as_numpy("OUTPUT0"), result.as_numpy("OUTPUT1")
            if not (np.allclose(total, a + b) and np.allclose(difference, a - b)):
                sys.exit("FAIL: %s: got %s and %s" % (MODEL, total, difference))
    print("PASS: %s" % MODEL)


if __name__ == "__main__":
    main()
