"""Tensors between the server and a stub travel through the stub's shared-memory regions: inputs reach numpy as
views over the stub's mapping, a region grows as needed up to its ceiling, a tensor over the ceiling fails its
request with Triton's text while the stub serves on, and the server removes the region files when a stub
stops or dies."""

import os
import signal

import numpy as np
import pytest
import tritonclient.grpc as grpcclient
import tritonclient.http as httpclient
from tritonclient.utils import InferenceServerException

from jepserve_process import TEST_MODELS, JepServe, make_repository, wait_until

MIB = 1024 * 1024


def echo(client, module, data, repeat=None):
    tensor = module.InferInput("IN", list(data.shape), "UINT8")
    tensor.set_data_from_numpy(data)
    parameters = {"repeat": repeat} if repeat is not None else None
    result = client.infer("shm_echo", [tensor], parameters=parameters)
    return result.as_numpy("OUT"), bool(result.as_numpy("VIEW")[0]), int(result.as_numpy("PID")[0])


def region_files(server_pid):
    """The region files of this server's stubs (named jepserve_stub_<server pid>_<stub pid>_in|out), and its
    shared metric values (jepserve_stub_<server pid>_metrics)."""
    prefix = "jepserve_stub_%d_" % server_pid
    shm = "/dev/shm"
    return sorted(name for name in os.listdir(shm) if name.startswith(prefix))


@pytest.fixture
def repository():
    return make_repository(TEST_MODELS / "shm_echo")


def test_tensors_larger_than_the_first_region_grow_it_and_arrive_as_views(repository):
    with JepServe([repository]) as server:
        rng = np.random.default_rng(7)
        with httpclient.InferenceServerClient(server.url) as client:
            # 3 MiB in and out: more than the 1 MiB start size of both regions.
            data = rng.integers(0, 255, size=3 * MIB, dtype=np.uint8)
            out, view, _ = echo(client, httpclient, data)
            assert view
            np.testing.assert_array_equal(out, data)
            small = np.arange(10, dtype=np.uint8)
            out, view, _ = echo(client, httpclient, small, repeat=3)
            assert view
            np.testing.assert_array_equal(out, np.tile(small, 3))
            # An empty tensor crosses too.
            out, view, _ = echo(client, httpclient, np.zeros(0, dtype=np.uint8))
            assert out.size == 0
        with grpcclient.InferenceServerClient(server.grpc_url) as client:
            data = rng.integers(0, 255, size=2 * MIB, dtype=np.uint8)
            out, view, _ = echo(client, grpcclient, data)
            assert view
            np.testing.assert_array_equal(out, data)


def test_a_tensor_over_the_ceiling_fails_its_request_and_the_stub_serves_on(repository):
    args = ["--backend-config", "python,shm-region-max-byte-size=%d" % (2 * MIB)]
    with JepServe([repository], extra_args=args) as server:
        with httpclient.InferenceServerClient(server.url) as client:
            _, _, pid = echo(client, httpclient, np.ones(16, dtype=np.uint8))
            # An input over the ceiling never reaches the stub.
            with pytest.raises(InferenceServerException) as raised:
                echo(client, httpclient, np.ones(3 * MIB, dtype=np.uint8))
            message = str(raised.value)
            assert "Failed to increase the shared memory pool size" in message
            assert "shm-region-max-byte-size=%d" % (2 * MIB) in message
            assert "/dev/shm" not in message
            # An output over the ceiling fails in the stub, which answers with the same text.
            with pytest.raises(InferenceServerException) as raised:
                echo(client, httpclient, np.ones(MIB, dtype=np.uint8), repeat=3)
            assert "Failed to increase the shared memory pool size" in str(raised.value)
            # The same stub goes on serving, tensors as large as the ceiling allows included.
            data = np.arange(MIB + 5, dtype=np.uint64).astype(np.uint8)
            out, view, same_pid = echo(client, httpclient, data)
            assert same_pid == pid and view
            np.testing.assert_array_equal(out, data)
            assert client.is_model_ready("shm_echo")
            for _ in range(20):  # the space of earlier requests was given back
                out, _, _ = echo(client, httpclient, data)
                assert out.size == data.size


def test_region_files_are_removed_when_a_stub_dies_and_when_the_server_stops(repository):
    server = JepServe([repository]).wait_live()
    try:
        with httpclient.InferenceServerClient(server.url) as client:
            _, _, pid = echo(client, httpclient, np.ones(8, dtype=np.uint8))
            ours = region_files(server.process.pid)
            # Two regions per stub, and one table of custom metric values shared by every stub.
            assert ours == ["jepserve_stub_%d_%d_in" % (server.process.pid, pid),
                            "jepserve_stub_%d_%d_out" % (server.process.pid, pid),
                            "jepserve_stub_%d_metrics" % server.process.pid]
            os.kill(pid, signal.SIGKILL)
            wait_until(lambda: not any("_%d_" % pid in name for name in region_files(server.process.pid)), 10,
                       "the killed stub's regions removed")
            wait_until(lambda: client.is_model_ready("shm_echo"), 60, "shm_echo ready again")
            _, _, new_pid = echo(client, httpclient, np.ones(8, dtype=np.uint8))
            assert new_pid != pid
            assert len(region_files(server.process.pid)) == 3
    finally:
        server_pid = server.process.pid
        server.stop()
    assert region_files(server_pid) == []


@pytest.mark.parametrize("isolation", ["process", "inprocess"])
@pytest.mark.parametrize("protocol", ["http", "grpc"])
def test_large_outputs_arrive_intact_from_the_region_under_concurrency(repository, protocol, isolation):
    """Outputs leave through views of the stub's output region (no copy in the server); a slot is reused only
    after the network write that reads it is done. Six clients at once, 8 MiB out per request, every request its
    own bytes: a slot reused too early would show as another request's data. In-process, outputs go through
    direct memory the server writes as it is."""
    from concurrent.futures import ThreadPoolExecutor

    if isolation == "inprocess":
        config = repository / "shm_echo" / "config.pbtxt"
        config.write_text(config.read_text().replace('string_value: "process"', 'string_value: "inprocess"'))
    module = httpclient if protocol == "http" else grpcclient
    clients, rounds = 6, 4
    with JepServe([repository]) as server:
        url = server.url if protocol == "http" else server.grpc_url

        def run(worker):
            rng = np.random.default_rng(1000 + worker)
            checked = 0
            with module.InferenceServerClient(url) as client:
                for round_ in range(rounds):
                    data = rng.integers(0, 255, size=4 * MIB, dtype=np.uint8)
                    data[:8] = np.frombuffer(np.array([worker, round_], dtype=np.int32).tobytes(), np.uint8)
                    out, view, _ = echo(client, module, data, repeat=2)
                    assert view == (isolation == "process")
                    assert out.size == 8 * MIB
                    np.testing.assert_array_equal(out[:4 * MIB], data)
                    np.testing.assert_array_equal(out[4 * MIB:], data)
                    checked += 1
            return checked

        with ThreadPoolExecutor(clients) as pool:
            assert sum(pool.map(run, range(clients))) == clients * rounds
        with module.InferenceServerClient(url) as client:
            assert client.is_model_ready("shm_echo")
