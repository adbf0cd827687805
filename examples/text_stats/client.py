"""Sends three strings to text_stats, checks the word counts, then reads the gauge and histogram it reports.

Usage: python examples/text_stats/client.py [--url localhost:8000] [--metrics-url http://localhost:8002/metrics]
"""

import argparse
import sys

import numpy as np
import requests
import tritonclient.http as httpclient

MODEL = "text_stats"
LABELS = '{model="text_stats",version="1"}'


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", default="localhost:8000")
    parser.add_argument("--metrics-url", default="http://localhost:8002/metrics")
    args = parser.parse_args()

    texts = np.array([b"one", b"two words", b"a somewhat longer sentence of seven words"], dtype=np.object_)
    text_input = httpclient.InferInput("TEXT", [len(texts)], "BYTES")
    text_input.set_data_from_numpy(texts)
    with httpclient.InferenceServerClient(args.url) as client:
        words = client.infer(MODEL, [text_input]).as_numpy("WORDS")
    if words.tolist() != [1, 2, 7]:
        print("FAIL: text_stats word counts %s" % words.tolist())
        sys.exit(1)

    metrics = requests.get(args.metrics_url).text
    for line in ("# TYPE text_stats_last_request_items gauge",
                 "text_stats_last_request_items%s 3" % LABELS,
                 "# TYPE text_stats_item_bytes histogram",
                 'text_stats_item_bytes_bucket{model="text_stats",version="1",le="+Inf"}'):
        if line not in metrics:
            print("FAIL: '%s' not in metrics" % line)
            sys.exit(1)
        print("text_stats example: found '%s'" % line)
    print("PASS: text_stats")


if __name__ == "__main__":
    main()
