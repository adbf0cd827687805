"""Checks bls_decoupled: for N = 0, 4 and 10 the sum of countdown's N responses and their number; a
negative N gives countdown's error, passed on by the BLS model.

Usage: python examples/bls_decoupled/client.py [--url localhost:8000]
"""

import argparse
import sys

import numpy as np
import tritonclient.http as httpclient
from tritonclient.utils import InferenceServerException

MODEL = "bls_decoupled"


def n_input(n):
    tensor = httpclient.InferInput("N", [1], "INT32")
    tensor.set_data_from_numpy(np.array([n], dtype=np.int32))
    return [tensor]


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", default="localhost:8000", help="server HTTP address (host:port)")
    url = parser.parse_args().url

    with httpclient.InferenceServerClient(url) as client:
        for n in (0, 4, 10):
            result = client.infer(MODEL, n_input(n))
            got = (int(result.as_numpy("SUM")[0]), int(result.as_numpy("RESPONSES")[0]))
            if got != (n * (n + 1) // 2, n):
                sys.exit("FAIL: %s: N=%d gave %s" % (MODEL, n, got))
        try:
            client.infer(MODEL, n_input(-1))
            sys.exit("FAIL: %s: N=-1 succeeded" % MODEL)
        except InferenceServerException as error:
            if "N must not be negative" not in str(error):
                sys.exit("FAIL: %s: unexpected error %s" % (MODEL, error))
    print("PASS: %s" % MODEL)


if __name__ == "__main__":
    main()
