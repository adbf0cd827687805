"""Per-model Python environments (Triton's EXECUTION_ENV_PATH): a model in a stub process imports a package
that only its own environment has, from an unpacked directory or a .tar.gz; archives whose members would land
outside the environment are refused with Triton's texts and their model is not loaded; the in-process mode
refuses such models."""

import io
import subprocess
import sys
import tarfile
import textwrap
import zipfile

import numpy as np
import pytest
import tritonclient.http as httpclient

from jepserve_process import JepServe

MODEL = textwrap.dedent('''
    import numpy as np
    import triton_python_backend_utils as pb_utils
    import jepserve_env_probe


    class TritonPythonModel:
        def execute(self, requests):
            text = np.array([jepserve_env_probe.GREETING.encode()], dtype=np.object_)
            return [pb_utils.InferenceResponse([pb_utils.Tensor("TEXT", text)]) for _ in requests]
''')

CONFIG = textwrap.dedent('''
    name: "%s"
    backend: "python"
    input [ { name: "ANY" data_type: TYPE_INT32 dims: [ 1 ] } ]
    output [ { name: "TEXT" data_type: TYPE_STRING dims: [ 1 ] } ]
    instance_group [{ count: 1, kind: KIND_CPU }]
    parameters { key: "EXECUTION_ENV_PATH" value { string_value: "%s" } }
    %s
''')


@pytest.fixture(scope="module")
def environment(tmp_path_factory):
    """A venv of the server's Python with a package the server's environment lacks, installed from a local
    directory (no network)."""
    root = tmp_path_factory.mktemp("execution-env")
    env = root / "env"
    subprocess.run([sys.executable, "-m", "venv", str(env)], check=True)
    # The package, as a wheel the test writes itself (the new venv has no build tools), installed by pip from a
    # local directory without any index.
    wheels = root / "wheels"
    wheels.mkdir()
    files = {
        "jepserve_env_probe/__init__.py": "GREETING = 'hello from the model environment'\n",
        "jepserve_env_probe-1.0.dist-info/METADATA": "Metadata-Version: 2.1\nName: jepserve-env-probe\nVersion: 1.0\n",
        "jepserve_env_probe-1.0.dist-info/WHEEL": "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\n"
                                                  "Tag: py3-none-any\n",
    }
    record = "".join("%s,,\n" % name for name in files) + "jepserve_env_probe-1.0.dist-info/RECORD,,\n"
    with zipfile.ZipFile(wheels / "jepserve_env_probe-1.0-py3-none-any.whl", "w") as wheel:
        for name, text in files.items():
            wheel.writestr(name, text)
        wheel.writestr("jepserve_env_probe-1.0.dist-info/RECORD", record)
    subprocess.run([str(env / "bin" / "python"), "-m", "pip", "install", "-q", "--no-index", "--find-links",
                    str(wheels), "--disable-pip-version-check", "jepserve-env-probe"], check=True)
    probe = subprocess.run([sys.executable, "-c", "import jepserve_env_probe"], capture_output=True)
    assert probe.returncode != 0, "the server's own environment must not have the package"
    return env


def add_model(repository, name, env_path, extra=""):
    (repository / name / "1").mkdir(parents=True)
    (repository / name / "1" / "model.py").write_text(MODEL)
    (repository / name / "config.pbtxt").write_text(CONFIG % (name, env_path, extra))


def archive(path, members):
    """A .tar.gz with the given (name, bytes) members, names as given (absolute or with '..' included)."""
    with tarfile.open(path, "w:gz") as tar:
        for name, data in members:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))


def greeting(client, model):
    tensor = httpclient.InferInput("ANY", [1], "INT32")
    tensor.set_data_from_numpy(np.array([0], dtype=np.int32))
    return client.infer(model, [tensor]).as_numpy("TEXT")[0].decode()


def test_models_use_their_own_environment_and_malicious_archives_are_refused(environment, tmp_path):
    repository = tmp_path / "models"
    repository.mkdir()
    add_model(repository, "env_packed", "$$TRITON_MODEL_DIRECTORY/env.tar.gz")
    with tarfile.open(repository / "env_packed" / "env.tar.gz", "w:gz") as tar:
        for child in sorted(environment.iterdir()):
            tar.add(child, arcname=child.name)
    add_model(repository, "env_directory", str(environment))
    add_model(repository, "env_dotdot", "$$TRITON_MODEL_DIRECTORY/env.tar.gz")
    archive(repository / "env_dotdot" / "env.tar.gz", [("lib/../../escaped_dotdot.txt", b"x")])
    add_model(repository, "env_absolute", "$$TRITON_MODEL_DIRECTORY/env.tar.gz")
    outside = tmp_path / "escaped_absolute.txt"
    archive(repository / "env_absolute" / "env.tar.gz", [(str(outside), b"x")])
    add_model(repository, "env_inprocess", str(environment),
              'parameters { key: "PYTHON_ISOLATION" value { string_value: "inprocess" } }')

    with JepServe([repository], extra_args=["--python-isolation", "process", "--exit-on-error", "false"]) as server:
        with httpclient.InferenceServerClient(server.url) as client:
            assert greeting(client, "env_packed") == "hello from the model environment"
            assert greeting(client, "env_directory") == "hello from the model environment"
            for refused in ("env_dotdot", "env_absolute", "env_inprocess"):
                assert not client.is_model_ready(refused)
        output = server.output
    assert "Path contains '..'" in output
    assert "Path is absolute" in output
    assert "sets EXECUTION_ENV_PATH, which needs process isolation" in output
    assert not outside.exists()
    assert not (tmp_path / "escaped_dotdot.txt").exists()
    assert not (repository / "escaped_dotdot.txt").exists()
