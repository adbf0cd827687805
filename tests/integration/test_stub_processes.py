"""Model instances in stub processes (PYTHON_ISOLATION=process): a crash takes down only its own stub, the
server and other models keep serving, every request gets an answer, the stub is restarted; each model has its
own sys.modules."""

import os
import re
import shutil
import signal
import threading
import time

import numpy as np
import pytest
import requests
import tritonclient.grpc as grpcclient
import tritonclient.http as httpclient
from tritonclient.utils import InferenceServerException

from jepserve_process import EXAMPLES, TEST_MODELS, JepServe, make_repository, wait_until


@pytest.fixture
def server():
    repository = make_repository(TEST_MODELS / "stub_crash", TEST_MODELS / "twin_a", TEST_MODELS / "twin_b",
                                 EXAMPLES / "add_sub")
    with JepServe([repository]) as running:
        yield running


def mode(value):
    tensor = httpclient.InferInput("MODE", [1], "BYTES")
    tensor.set_data_from_numpy(np.array([value.encode()], dtype=np.object_))
    return [tensor]


def any_input():
    tensor = httpclient.InferInput("ANY", [1], "INT32")
    tensor.set_data_from_numpy(np.array([0], dtype=np.int32))
    return [tensor]


def add_sub_works(client):
    a = np.ones(4, dtype=np.float32)
    inputs = [httpclient.InferInput("INPUT0", [4], "FP32"), httpclient.InferInput("INPUT1", [4], "FP32")]
    inputs[0].set_data_from_numpy(a)
    inputs[1].set_data_from_numpy(a)
    return client.infer("add_sub", inputs).as_numpy("OUTPUT0").tolist() == [2.0] * 4


def stub_pid(client, model="stub_crash"):
    text = client.infer(model, mode("pid")).as_numpy("TEXT")[0].decode()
    return int(text.split(":")[1])


def alive(pid):
    """Whether the process exists and is not a zombie."""
    try:
        with open("/proc/%d/stat" % pid) as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def restarted(client, model, old_pid, timeout=60):
    """Waits until the model is ready again and answers from another process; returns the new pid."""
    wait_until(lambda: client.is_model_ready(model), timeout, "%s ready again" % model)
    new_pid = stub_pid(client, model)
    assert new_pid != old_pid
    return new_pid


def restart_count(server, model, instance):
    text = requests.get(server.metrics_url, timeout=5).text
    found = re.search(r'^nv_jepserve_stub_restart_count\{instance="%s",model="%s",version="1"\} (\S+)$'
                      % (instance, model), text, re.MULTILINE)
    return float(found.group(1)) if found else None


@pytest.mark.parametrize("how", ["exit", "segfault"])
def test_a_model_that_crashes_its_stub_leaves_the_server_serving(server, how):
    with httpclient.InferenceServerClient(server.url) as client:
        pid = stub_pid(client)
        assert pid != server.process.pid
        with pytest.raises(InferenceServerException) as raised:
            client.infer("stub_crash", mode(how))
        assert "Stub process 'stub_crash_0_0' is not healthy." in str(raised.value)
        assert client.is_server_live()
        assert add_sub_works(client)
        # The crashed model is not ready, and so is the server (--strict-readiness); requests are refused.
        assert not client.is_model_ready("stub_crash")
        assert not client.is_server_ready()
        with pytest.raises(InferenceServerException) as raised:
            client.infer("stub_crash", mode("pid"))
        assert "is not at ready state" in str(raised.value) or "has no available versions" in str(raised.value)
        # Then the stub is restarted (after 1 s) and serves again.
        restarted(client, "stub_crash", pid)
        assert client.is_server_ready()


def test_a_stub_killed_with_kill_9_comes_back_with_initialize_run_again(server):
    with httpclient.InferenceServerClient(server.url) as client:
        pid = stub_pid(client)
        assert server.output.count("stub_crash initialize in pid %d" % pid) == 1
        assert restart_count(server, "stub_crash", "stub_crash_0_0") == 0
        os.kill(pid, signal.SIGKILL)
        wait_until(lambda: not client.is_model_ready("stub_crash"), 10, "stub_crash not ready")
        assert add_sub_works(client)
        assert client.is_model_ready("twin_a")
        new_pid = restarted(client, "stub_crash", pid)
        assert server.wait_for_output("stub_crash initialize in pid %d" % new_pid)
        assert not alive(pid)
        assert client.is_server_ready()
        assert restart_count(server, "stub_crash", "stub_crash_0_0") == 1
        stubs = [int(found) for found in re.findall(r"started stub process (\d+)", server.output)]
    server.stop()
    # No stub outlives the server, the restarted one included.
    for each in stubs + [new_pid]:
        wait_until(lambda: not alive(each), 10, "stub %d exited" % each)


def test_a_hung_execute_is_answered_and_its_stub_restarted_while_others_serve():
    repository = make_repository(TEST_MODELS / "stub_hang", EXAMPLES / "add_sub")
    with JepServe([repository], extra_args=["--python-isolation", "process",
                                            "--backend-config", "python,stub-timeout-seconds=2"]) as server:
        with httpclient.InferenceServerClient(server.url, network_timeout=60) as client:
            pid = stub_pid(client, "stub_hang")
            answered = {}

            def hang():
                started = time.monotonic()
                with httpclient.InferenceServerClient(server.url, network_timeout=60) as own:
                    try:
                        own.infer("stub_hang", mode("hang"))
                        answered["error"] = None
                    except InferenceServerException as e:
                        answered["error"] = str(e)
                answered["seconds"] = time.monotonic() - started

            waiting = threading.Thread(target=hang)
            waiting.start()
            # add_sub, in a stub of its own, serves all along.
            while waiting.is_alive():
                assert add_sub_works(client)
                time.sleep(0.1)
            assert "Stub process 'stub_hang_0_0' is not healthy." in answered["error"]
            assert answered["seconds"] < 10
            assert "execute() made no progress for 2 s" in server.output
            assert not alive(pid)
            new_pid = restarted(client, "stub_hang", pid)
            assert server.output.count("stub_hang initialize in pid") == 2
            assert restart_count(server, "stub_hang", "stub_hang_0_0") == 1
            assert restart_count(server, "add_sub", "add_sub_0_0") == 0

            # A frozen stub answers no heartbeat: it is killed and restarted too.
            os.kill(new_pid, signal.SIGSTOP)
            try:
                wait_until(lambda: not client.is_model_ready("stub_hang"), 15, "the frozen stub found")
                third_pid = restarted(client, "stub_hang", new_pid)
            finally:
                if alive(new_pid):
                    os.kill(new_pid, signal.SIGKILL)
            assert "did not answer a heartbeat for 2 s" in server.output
            assert restart_count(server, "stub_hang", "stub_hang_0_0") == 2
            assert add_sub_works(client)
    wait_until(lambda: not alive(third_pid), 10, "the last stub exited with the server")


def test_each_model_in_its_own_stub_imports_its_own_utils_and_model(server):
    with httpclient.InferenceServerClient(server.url) as client:
        for name in ("twin_a", "twin_b"):
            text = client.infer(name, any_input()).as_numpy("TEXT")[0].decode()
            assert text == "%s %s/model.py" % (name, name)


def test_a_stub_that_dies_in_initialize_fails_only_its_model():
    repository = make_repository(TEST_MODELS / "init_kill", EXAMPLES / "add_sub")
    with JepServe([repository], extra_args=["--exit-on-error=false"]) as server:
        with httpclient.InferenceServerClient(server.url) as client:
            assert not client.is_model_ready("init_kill")
            assert add_sub_works(client)
        with grpcclient.InferenceServerClient(server.grpc_url) as grpc_client:
            index = grpc_client.get_model_repository_index(as_json=True)["models"]
        states = {entry["name"]: entry for entry in index}
        assert states["init_kill"]["state"] == "UNAVAILABLE"
        assert "Stub process 'init_kill_0_0' is not healthy." in states["init_kill"]["reason"]


def test_python_isolation_process_runs_every_model_in_stubs():
    repository = make_repository(EXAMPLES / "add_sub")
    with JepServe([repository], extra_args=["--python-isolation", "process"]) as server:
        with httpclient.InferenceServerClient(server.url) as client:
            assert add_sub_works(client)
        assert "started stub process" in server.output


def test_the_custom_metrics_example_passes_with_every_instance_in_a_stub():
    import subprocess

    from jepserve_process import CLIENT_PYTHON
    repository = make_repository(EXAMPLES / "custom_metrics")
    with JepServe([repository], extra_args=["--python-isolation", "process"]) as server:
        completed = subprocess.run([CLIENT_PYTHON, str(EXAMPLES / "custom_metrics" / "client.py"),
                                    "--url", server.url, "--metrics-url", server.metrics_url],
                                   capture_output=True, text=True, timeout=120)
        assert completed.returncode == 0, completed.stdout + completed.stderr + server.output[-3000:]
        assert completed.stdout.strip().endswith("PASS: custom_metrics")
        # Three instances, three stubs, one shared counter series.
        assert server.output.count("started stub process") == 3


def test_auto_complete_config_of_a_process_model_runs_in_its_stub_never_in_the_server():
    repository = make_repository(TEST_MODELS / "auto_complete_stub", EXAMPLES / "add_sub")
    with JepServe([repository], extra_args=["--python-isolation", "inprocess"]) as server:
        with httpclient.InferenceServerClient(server.url) as client:
            wait_until(lambda: client.is_model_ready("auto_complete_stub"), 60, "auto_complete_stub ready")
            config = client.get_model_config("auto_complete_stub")
            assert [each["name"] for each in config["input"]] == ["IN"]
            tensor = httpclient.InferInput("IN", [2], "INT32")
            tensor.set_data_from_numpy(np.array([1, 2], dtype=np.int32))
            pid = int(client.infer("auto_complete_stub", [tensor]).as_numpy("PID")[0])
        completed_in = [int(found) for found in
                        re.findall(r"auto_complete_stub auto_complete_config in pid (\d+)", server.output)]
        imported_in = {int(found) for found in re.findall(r"auto_complete_stub imported in pid (\d+)", server.output)}
        # auto_complete_config ran once, in the stub that then served the first instance; the server's own
        # interpreter never imported the model.
        assert completed_in == [pid]
        assert imported_in == {pid}
        assert server.process.pid not in imported_in


def two_instances_of(model_dir, target):
    """A copy of a one-instance model under the target's name, with two instances."""
    shutil.copytree(model_dir, target, ignore=shutil.ignore_patterns("__pycache__"))
    config = target / "config.pbtxt"
    text = config.read_text().replace('name: "%s"' % model_dir.name, 'name: "%s"' % target.name)
    config.write_text(text.replace("count: 1", "count: 2"))


def test_with_two_instances_one_dead_stub_leaves_the_model_ready_and_every_request_answered():
    repository = make_repository()
    two_instances_of(TEST_MODELS / "stub_crash", repository / "stub_pair")
    with JepServe([repository]) as server:
        with httpclient.InferenceServerClient(server.url, concurrency=4) as client:
            # Requests that overlap (each holds its instance 0.2 s) need both instances: the scheduler gives the
            # next batch to the instance that finished last, so one request at a time would always meet the same.
            pids = set()
            deadline = time.monotonic() + 30
            while len(pids) < 2 and time.monotonic() < deadline:
                pending = [client.async_infer("stub_pair", mode("slow_pid")) for _ in range(4)]
                pids.update(int(each.get_result().as_numpy("TEXT")[0].decode().split(":")[1]) for each in pending)
            assert len(pids) == 2
            victim = min(pids)
            os.kill(victim, signal.SIGKILL)
            # The server has noticed the death (a request sent in the instant before that fails, as in Triton).
            assert server.wait_for_output("is not healthy: ", timeout=30)
            # Until the instance is back (restart after 1 s, then a stub start), the model stays ready and
            # every request is answered: by the other instance, or by the restarted one after waiting for it.
            seen = set()
            deadline = time.monotonic() + 90
            while time.monotonic() < deadline:
                assert client.is_model_ready("stub_pair")
                assert client.is_server_ready()
                pending = [client.async_infer("stub_pair", mode("slow_pid")) for _ in range(4)]
                seen.update(int(each.get_result().as_numpy("TEXT")[0].decode().split(":")[1]) for each in pending)
                if len(seen - pids) == 1:
                    break
            assert len(seen - pids) == 1, "the restarted instance answers again"
            assert victim not in seen


def test_a_request_waiting_in_a_stub_that_dies_runs_on_the_other_instance():
    """A busy stub instance is handed its next batch early (no instance idle): when its stub dies, that batch never
    started, so it goes back to the queue and the other instance answers it."""
    repository = make_repository()
    two_instances_of(TEST_MODELS / "stub_crash", repository / "stub_pair")
    with JepServe([repository]) as server:
        with httpclient.InferenceServerClient(server.url, concurrency=4) as client:
            dying = client.async_infer("stub_pair", mode("slow_exit"))  # the first idle instance, dies at 0.3 s
            time.sleep(0.05)
            working = client.async_infer("stub_pair", mode("slow_pid"))  # the other one, busy for 0.2 s
            time.sleep(0.05)
            waiting = client.async_infer("stub_pair", mode("pid"))  # handed to the first, behind the crash
            with pytest.raises(InferenceServerException, match="Stub process 'stub_pair_0_[01]' is not healthy."):
                dying.get_result()
            survivor = working.get_result().as_numpy("TEXT")[0].decode()
            assert waiting.get_result().as_numpy("TEXT")[0].decode() == survivor


def test_stubs_that_die_while_the_server_stops_are_not_restarted():
    """A terminal's Ctrl-C reaches the stubs too: a stub dying during shutdown is neither restarted nor reported
    with a stack trace (its restart used to be scheduled on executors already stopped)."""
    repository = make_repository(TEST_MODELS / "stub_crash", EXAMPLES / "add_sub")
    with JepServe([repository]) as server:
        with httpclient.InferenceServerClient(server.url) as client:
            wait_until(lambda: client.is_server_ready(), 120, "server ready")
            victim = stub_pid(client)
        server.process.send_signal(signal.SIGTERM)
        assert server.wait_for_output("signal (15) received", timeout=30), server.output
        try:
            os.kill(victim, signal.SIGKILL)
        except ProcessLookupError:
            pass  # the stub already finished with its closed connection: it died during shutdown all the same
        assert server.process.wait(120) == 0, server.output
        assert server.wait_for_output("jepserve stopped", timeout=10), server.output
    output = server.output
    assert "restarting the stub process" not in output
    assert "RejectedExecutionException" not in output
    assert "Exception in thread" not in output
