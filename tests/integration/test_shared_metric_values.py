"""One custom counter series shared by two instances: in two stub processes its value lives in shared memory
(no message per update or read), and both stubs, the server and /metrics see the same total."""

from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
import requests
import tritonclient.grpc as grpcclient

from jepserve_process import TEST_MODELS, JepServe, make_repository


def add(client, amount):
    tensor = grpcclient.InferInput("ADD", [1], "FP64")
    tensor.set_data_from_numpy(np.array([amount], dtype=np.float64))
    result = client.infer("shared_counter", [tensor])
    return float(result.as_numpy("VALUE")[0]), int(result.as_numpy("PID")[0])


@pytest.mark.parametrize("isolation", ["process", "inprocess"])
def test_instances_share_one_value_that_metrics_shows(isolation):
    repository = make_repository(TEST_MODELS / "shared_counter")
    with JepServe([repository], extra_args=["--python-isolation", isolation]) as server:
        with grpcclient.InferenceServerClient(server.grpc_url) as client:
            with ThreadPoolExecutor(4) as pool:
                answers = list(pool.map(lambda _: add(client, 2.0), range(40)))
            seen_values = sorted(value for value, _ in answers)
            pids = {pid for _, pid in answers}
            # Each read happens after its own increment, and every increment counts once.
            assert seen_values[-1] == 80.0
            assert all(value >= 2.0 for value in seen_values)
            if isolation == "process":
                assert len(pids) == 2, "both stubs served"
            # A read in any instance sees every increment made before it, in either stub.
            value, _ = add(client, 0.5)
            assert value == 80.5
        text = requests.get(server.metrics_url).text
        assert 'shared_counter_total{model="shared_counter"} 80.5' in text
