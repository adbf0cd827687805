"""The deployment kit in deploy/ checked against the real server (no container engine or cluster here).

Every YAML parses; the command lines of the container image, the Kubernetes manifests, the Helm chart and the
KServe runtime start target/jepserve.jar (through the image's own entrypoint and tritonserver shim), with only
the ports and the repository path substituted, and their probe paths, ports and scrape annotations answer;
every PromQL expression of the Grafana dashboard names a metric the server exports.
"""

import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import threading
import time
from pathlib import Path

import pytest
import requests
import tritonclient.grpc as grpcclient
import yaml

from jepserve_process import CLIENT_PYTHON, EXAMPLES, JAR, PROJECT, VENV, JepServe, free_port, make_repository

DEPLOY = PROJECT / "deploy"
CONTAINERFILE = DEPLOY / "container" / "Containerfile"
CHART = DEPLOY / "helm" / "jepserve"
DASHBOARD = DEPLOY / "grafana" / "jepserve-dashboard.json"
# The flags whose values are ports, and those whose values are the model repository.
PORT_FLAGS = ("--http-port", "--grpc-port", "--metrics-port")
REPOSITORY_FLAGS = ("--model-repository", "--model-store")


# ---------------------------------------------------------------------------------------------- the image

def containerfile_instructions():
    """(INSTRUCTION, arguments) pairs, continuation lines joined, comments dropped."""
    logical, current = [], ""
    for line in CONTAINERFILE.read_text().splitlines():
        if line.lstrip().startswith("#") and not current:
            continue
        if line.endswith("\\"):
            current += line[:-1] + " "
            continue
        current += line
        if current.strip():
            keyword, _, rest = current.strip().partition(" ")
            logical.append((keyword.upper(), rest.strip()))
        current = ""
    return logical


def image_config():
    """What the final stage of the Containerfile sets: entrypoint, cmd, env, exposed ports, healthcheck."""
    config = {"env": {}, "expose": [], "stages": 0}
    args = {}
    for keyword, rest in containerfile_instructions():
        if keyword == "ARG" and "=" in rest:
            name, _, value = rest.partition("=")
            args[name] = value
        elif keyword == "FROM":
            config["stages"] += 1
            config.setdefault("from", []).append(re.sub(r"\$\{(\w+)\}", lambda m: args[m.group(1)], rest))
            config["env"], config["expose"] = {}, []
        elif keyword == "ENV":
            for pair in shlex.split(rest):
                name, _, value = pair.partition("=")
                config["env"][name] = value
        elif keyword == "EXPOSE":
            config["expose"] = [int(port) for port in rest.split()]
        elif keyword in ("ENTRYPOINT", "CMD"):
            config[keyword.lower()] = json.loads(rest)
        elif keyword == "HEALTHCHECK":
            config["healthcheck"] = json.loads(rest[rest.index("CMD") + 3:].strip())
    return config


class ContainerPaths:
    """The image's paths mapped onto this checkout: the jar, the venv, the entrypoint and the shim."""

    def __init__(self, tmp_path, repository):
        config = image_config()
        self.bin = tmp_path / "image-bin"
        self.bin.mkdir()
        # The image links /usr/local/bin/tritonserver and jepserve to its shim; so does this PATH.
        for name in ("tritonserver", "jepserve"):
            (self.bin / name).symlink_to(DEPLOY / "container" / "tritonserver")
        self.files = {
            config["env"]["JEPSERVE_JAR"]: str(JAR),
            config["env"]["JEPSERVE_PYTHON"]: str(VENV),
            "/opt/jepserve/bin/entrypoint": str(DEPLOY / "container" / "entrypoint"),
            "/opt/jepserve/bin/tritonserver": str(DEPLOY / "container" / "tritonserver"),
        }
        self.env = dict(os.environ, PATH="%s:%s" % (self.bin, os.environ["PATH"]),
                        JEPSERVE_JAR=str(JAR), JEPSERVE_PYTHON=str(VENV))
        self.repository = str(repository)


class Launched:
    """A server started from a deployment file's command line, its ports mapped to free ones."""

    def __init__(self, argv, paths, port_names=None):
        self.ports = {}  # the file's port -> the free port used here
        command = []
        for arg in argv:
            arg = paths.files.get(arg, arg)
            name, eq, value = arg.partition("=")
            if eq and name in PORT_FLAGS:
                self.ports[int(value)] = free_port()
                arg = "%s=%d" % (name, self.ports[int(value)])
            elif eq and name in REPOSITORY_FLAGS:
                arg = "%s=%s" % (name, paths.repository)
            command.append(arg)
        assert set(self.ports) >= set(port_names or ()), "every named port is set on the command line"
        self.command = command
        self._lines = []
        self.process = subprocess.Popen(command, env=paths.env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                        stdin=subprocess.DEVNULL)
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self):
        for raw in self.process.stdout:
            self._lines.append(raw.decode("utf-8", "replace"))

    @property
    def output(self):
        return "".join(self._lines)

    def url(self, container_port, path):
        return "http://127.0.0.1:%d%s" % (self.ports[container_port], path)

    def wait_ready(self, http_port, timeout=180):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError("%s exited with %s:\n%s" % (self.command, self.process.returncode, self.output))
            try:
                if requests.get(self.url(http_port, "/v2/health/ready"), timeout=2).status_code == 200:
                    return
            except (requests.ConnectionError, requests.Timeout):
                pass
            time.sleep(0.1)
        raise AssertionError("not ready in %ss:\n%s" % (timeout, self.output))

    def stop(self):
        """SIGTERM, as the kubelet or `docker stop` sends it; returns the exit status."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._reader.join(5)
        return self.process.returncode


@pytest.fixture
def repository():
    path = make_repository(EXAMPLES / "add_sub")
    yield path
    shutil.rmtree(path, ignore_errors=True)


def infer_add_sub(http_url):
    body = {"inputs": [{"name": "INPUT0", "datatype": "FP32", "shape": [4], "data": [1, 2, 3, 4]},
                       {"name": "INPUT1", "datatype": "FP32", "shape": [4], "data": [1, 1, 1, 1]}]}
    reply = requests.post(http_url + "/v2/models/add_sub/infer", json=body, timeout=30)
    assert reply.status_code == 200, reply.text
    outputs = {output["name"]: output["data"] for output in reply.json()["outputs"]}
    assert outputs["OUTPUT0"] == [2, 3, 4, 5]


def test_containerfile_builds_the_runtime_environment_only_and_pins_its_base_image():
    config = image_config()
    assert config["stages"] == 2, "multi-stage: a build stage and a runtime stage"
    for image in config["from"]:
        name = image.split()[0]
        assert re.fullmatch(r"[a-z0-9./-]+:[0-9][\w.-]*", name), "base image pinned by version tag: " + image
    text = CONTAINERFILE.read_text()
    assert "python/requirements-build.txt" in text and "requirements-dev.txt" not in text, \
        "the image gets the runtime packages, never the test tools"
    assert "python3 -m venv %s" % config["env"]["JEPSERVE_PYTHON"] in text
    assert "cp target/jepserve.jar %s" % config["env"]["JEPSERVE_JAR"] in text
    assert "COPY deploy/container/tritonserver deploy/container/entrypoint /opt/jepserve/bin/" in text
    assert sorted(config["expose"]) == [8000, 8001, 8002]


def test_image_records_a_class_archive_for_its_jar_and_tritonserver_maps_it(tmp_path):
    text = CONTAINERFILE.read_text()
    assert "COPY bin/record-server-classes /opt/jepserve/bin/" in text
    assert "/opt/jepserve/bin/record-server-classes" in text.split("FROM ${PYTHON_IMAGE}\n")[-1], \
        "recorded in the runtime stage, by the JVM that maps it"
    jar = tmp_path / "jepserve.jar"
    shutil.copy2(JAR, jar)
    environment = dict(os.environ, JEPSERVE_JAR=str(jar), JEPSERVE_PYTHON=str(VENV),
                       JEPSERVE_RECORD_REPOSITORY=str(EXAMPLES))
    subprocess.run([str(PROJECT / "bin" / "record-server-classes")], env=environment, check=True, timeout=180)
    archive = tmp_path / "jepserve-server.jsa"
    assert archive.exists() and archive.stat().st_mtime > jar.stat().st_mtime
    # -Xshare:on makes the JVM refuse to start when an archive it was given does not map.
    environment["JEPSERVE_JAVA_OPTS"] = "-Xshare:on -Xlog:cds=info"
    shim = subprocess.run([str(DEPLOY / "container" / "tritonserver"), "--version"], env=environment,
                          capture_output=True, text=True, timeout=60)
    assert shim.returncode == 0, shim.stdout + shim.stderr
    assert "Opened archive %s" % archive in shim.stdout + shim.stderr


def test_container_command_line_starts_the_server_and_its_healthcheck_answers(tmp_path, repository):
    config = image_config()
    paths = ContainerPaths(tmp_path, repository)
    server = Launched(config["entrypoint"] + config["cmd"], paths, port_names=config["expose"])
    try:
        server.wait_ready(8000)
        infer_add_sub(server.url(8000, ""))
        # The HEALTHCHECK command runs as the image would run it (its python3 is any Python).
        health = [arg.replace("127.0.0.1:8000", "127.0.0.1:%d" % server.ports[8000]) for arg in config["healthcheck"]]
        assert health[0] == "python3"
        completed = subprocess.run([CLIENT_PYTHON] + health[1:], capture_output=True, text=True, timeout=60)
        assert completed.returncode == 0, completed.stderr
        assert "nv_inference_count" in requests.get(server.url(8002, "/metrics"), timeout=10).text
        assert grpcclient.InferenceServerClient("127.0.0.1:%d" % server.ports[8001]).is_server_live()
    finally:
        code = server.stop()
    assert code == 0, "SIGTERM (STOPSIGNAL) ends with status 0:\n" + server.output


def test_image_entrypoint_takes_tritonserver_flags_alone(tmp_path, repository):
    config = image_config()
    paths = ContainerPaths(tmp_path, repository)
    flags = [arg for arg in config["cmd"] if arg.startswith("--")]
    server = Launched(config["entrypoint"] + flags, paths)
    try:
        server.wait_ready(8000)
    finally:
        assert server.stop() == 0


# ------------------------------------------------------------------------------------- Kubernetes manifests

def yaml_files():
    files = sorted(path for path in DEPLOY.rglob("*.yaml") if "templates" not in path.parts)
    assert files, "deploy/ has YAML files"
    return files


@pytest.mark.parametrize("path", yaml_files(), ids=lambda path: str(path.relative_to(DEPLOY)))
def test_every_yaml_file_parses(path):
    documents = [document for document in yaml.safe_load_all(path.read_text()) if document is not None]
    assert documents
    if path.name in ("Chart.yaml", "values.yaml"):
        return
    for document in documents:
        assert document["apiVersion"] and document["kind"] and document["metadata"]["name"], document


def by_kind(documents):
    kinds = {}
    for document in documents:
        kinds.setdefault(document["kind"], []).append(document)
    return kinds


def check_workload(documents, tmp_path, repository):
    """Deployment + Service + HPA: start the pod's container as the image would and ask its probes."""
    kinds = by_kind(documents)
    deployment = kinds["Deployment"][0]
    service = kinds["Service"][0]
    pod = deployment["spec"]["template"]
    container = pod["spec"]["containers"][0]
    assert deployment["spec"]["selector"]["matchLabels"].items() <= pod["metadata"]["labels"].items()
    assert service["spec"]["selector"].items() <= pod["metadata"]["labels"].items()
    named_ports = {port["name"]: port["containerPort"] for port in container["ports"]}
    assert sorted(port["port"] for port in service["spec"]["ports"]) == [8000, 8001, 8002]
    for port in service["spec"]["ports"]:
        assert port["targetPort"] in named_ports, port
    if "HorizontalPodAutoscaler" in kinds:
        target = kinds["HorizontalPodAutoscaler"][0]["spec"]["scaleTargetRef"]
        assert (target["kind"], target["name"]) == ("Deployment", deployment["metadata"]["name"])
    annotations = pod["metadata"]["annotations"]
    assert annotations["prometheus.io/scrape"] == "true"
    assert pod["spec"]["terminationGracePeriodSeconds"] > exit_timeout(container["args"])

    config = image_config()
    argv = container.get("command", config["entrypoint"]) + container["args"]
    server = Launched(argv, ContainerPaths(tmp_path, repository), port_names=named_ports.values())
    try:
        server.wait_ready(named_ports["http"])
        for probe in ("startupProbe", "livenessProbe", "readinessProbe"):
            get = container[probe]["httpGet"]
            port = named_ports.get(get["port"], get["port"])
            assert requests.get(server.url(port, get["path"]), timeout=10).status_code == 200, probe
        assert {container["livenessProbe"]["httpGet"]["path"], container["readinessProbe"]["httpGet"]["path"]} == \
            {"/v2/health/live", "/v2/health/ready"}
        infer_add_sub(server.url(named_ports["http"], ""))
        metrics = requests.get(server.url(int(annotations["prometheus.io/port"]), annotations["prometheus.io/path"]),
                               timeout=10)
        assert "nv_inference_request_success{" in metrics.text
        assert grpcclient.InferenceServerClient("127.0.0.1:%d" % server.ports[named_ports["grpc"]]).is_server_ready()
    finally:
        code = server.stop()
    assert code == 0, server.output
    return container


def exit_timeout(args):
    for arg in args:
        if arg.startswith("--exit-timeout-secs="):
            return int(arg.split("=", 1)[1])
    return 30


def test_kubernetes_manifests_start_the_server_and_their_probes_answer(tmp_path, repository):
    documents = list(yaml.safe_load_all((DEPLOY / "kubernetes" / "jepserve.yaml").read_text()))
    assert set(by_kind(documents)) == {"Deployment", "Service", "HorizontalPodAutoscaler"}
    check_workload(documents, tmp_path, repository)


def test_kserve_serving_runtime_args_start_the_server(tmp_path, repository):
    runtime = yaml.safe_load((DEPLOY / "kserve" / "servingruntime.yaml").read_text())
    assert runtime["kind"] == "ServingRuntime"
    assert [model["name"] for model in runtime["spec"]["supportedModelFormats"]] == ["triton"]
    container = runtime["spec"]["containers"][0]
    assert container["args"][0] == "tritonserver", "KServe's tritonserver runtime style"
    service = yaml.safe_load((DEPLOY / "kserve" / "inferenceservice.yaml").read_text())
    assert service["spec"]["predictor"]["model"]["runtime"] == runtime["metadata"]["name"]
    assert service["spec"]["predictor"]["model"]["modelFormat"]["name"] == "triton"

    server = Launched(image_config()["entrypoint"] + container["args"], ContainerPaths(tmp_path, repository),
                      port_names=[8080, 9000])
    try:
        http_port = container["ports"][0]["containerPort"]
        server.wait_ready(http_port)
        infer_add_sub(server.url(http_port, ""))
        assert grpcclient.InferenceServerClient("127.0.0.1:%d" % server.ports[9000]).is_model_ready("add_sub")
        annotations = runtime["spec"]["annotations"]
        metrics = requests.get(server.url(int(annotations["prometheus.kserve.io/port"]),
                                          annotations["prometheus.kserve.io/path"]), timeout=10)
        assert "nv_inference_count{" in metrics.text
    finally:
        code = server.stop()
    assert code == 0, server.output


# ---------------------------------------------------------------------------------------------- Helm chart

ACTION = re.compile(r"{{(-?)(.*?)(-?)}}", re.S)


def render_helm(text, values, release, chart):
    """Renders the subset of Go templates the chart uses: `.Values.x.y`, `.Release.Name`, `.Chart.Name`,
    `.Chart.AppVersion`, `toYaml`, `| quote`, `| nindent N`, `if` / `end`, and `{{-` / `-}}` trimming. Anything
    else fails, so the chart stays inside what this renderer and Helm render alike."""
    pieces, position = [], 0
    for match in ACTION.finditer(text):
        pieces.append(["text", text[position:match.start()]])
        if match.group(1):
            pieces[-1][1] = pieces[-1][1].rstrip()
        pieces.append(["action", match.group(2).strip(), bool(match.group(3))])
        position = match.end()
    pieces.append(["text", text[position:]])
    for index, piece in enumerate(pieces):
        if piece[0] == "action" and piece[2]:
            pieces[index + 1][1] = pieces[index + 1][1].lstrip()

    def lookup(path):
        roots = {"Values": values, "Release": {"Name": release}, "Chart": {"Name": chart["name"],
                                                                           "AppVersion": chart["appVersion"],
                                                                           "Version": chart["version"]}}
        parts = path.lstrip(".").split(".")
        value = roots[parts[0]]
        for part in parts[1:]:
            value = value[part]
        return value

    def evaluate(pipeline):
        commands = [command.strip().split() for command in pipeline.split("|")]
        first = commands[0]
        if first[0] == "toYaml":
            value = yaml.safe_dump(lookup(first[1]), default_flow_style=False, sort_keys=False).rstrip("\n")
        else:
            assert len(first) == 1 and first[0].startswith("."), "unsupported template: " + pipeline
            value = lookup(first[0])
        for command in commands[1:]:
            if command == ["quote"]:
                value = json.dumps(str(value))
            elif command[0] == "nindent":
                value = "\n" + "\n".join(" " * int(command[1]) + line for line in str(value).splitlines())
            else:
                raise AssertionError("unsupported template function: " + " ".join(command))
        return value

    out, conditions = [], []
    for piece in pieces:
        if piece[0] == "text":
            if all(conditions):
                out.append(piece[1])
            continue
        action = piece[1]
        if action.startswith("if "):
            conditions.append(bool(evaluate(action[3:])))
        elif action == "end":
            conditions.pop()
        elif all(conditions):
            value = evaluate(action)
            out.append(str(value).lower() if isinstance(value, bool) else str(value))
    assert not conditions, "unbalanced if/end"
    return "".join(out)


def render_chart(values_override=None, release="jepserve"):
    chart = yaml.safe_load((CHART / "Chart.yaml").read_text())
    values = yaml.safe_load((CHART / "values.yaml").read_text())
    for key, value in (values_override or {}).items():
        target = values
        *parents, last = key.split(".")
        for parent in parents:
            target = target[parent]
        target[last] = value
    helm = shutil.which("helm")
    if helm:
        arguments = [helm, "template", release, str(CHART)]
        for key, value in (values_override or {}).items():
            arguments += ["--set-json", "%s=%s" % (key, json.dumps(value))]
        rendered = subprocess.run(arguments, check=True, capture_output=True, text=True).stdout
        return [document for document in yaml.safe_load_all(rendered) if document]
    documents = []
    for template in sorted((CHART / "templates").glob("*.yaml")):
        rendered = render_helm(template.read_text(), values, release, chart)
        documents += [document for document in yaml.safe_load_all(rendered) if document]
    return documents


def test_helm_chart_renders_and_its_workload_starts_the_server(tmp_path, repository):
    chart = yaml.safe_load((CHART / "Chart.yaml").read_text())
    assert chart["apiVersion"] == "v2" and chart["name"] == "jepserve"
    documents = render_chart(release="models")
    assert sorted(by_kind(documents)) == ["Deployment", "HorizontalPodAutoscaler", "Service"]
    assert by_kind(documents)["Deployment"][0]["metadata"]["name"] == "models"
    check_workload(documents, tmp_path, repository)


def test_helm_values_change_the_rendered_manifests():
    documents = render_chart({"autoscaling.enabled": False, "extraArgs": ["--log-verbose=1", "--python-threads=2"],
                              "service.httpPort": 9000})
    kinds = by_kind(documents)
    assert "HorizontalPodAutoscaler" not in kinds
    container = kinds["Deployment"][0]["spec"]["template"]["spec"]["containers"][0]
    assert container["args"][-2:] == ["--log-verbose=1", "--python-threads=2"]
    assert "--http-port=9000" in container["args"]
    assert {"name": "http", "containerPort": 9000} in container["ports"]


# ------------------------------------------------------------------------------------------ Grafana dashboard

PROMQL_WORDS = {
    # aggregations, functions and keywords the dashboard may use; every other identifier is a metric name
    "sum", "avg", "max", "min", "count", "topk", "bottomk", "quantile", "stddev", "by", "without", "on",
    "ignoring", "group_left", "group_right", "and", "or", "unless", "offset", "bool", "rate", "irate",
    "increase", "delta", "deriv", "histogram_quantile", "clamp_min", "clamp_max", "abs", "label_values",
    "avg_over_time", "max_over_time", "min_over_time", "sum_over_time", "vector", "scalar", "time",
}


def metric_names(expression):
    """The metric names a PromQL expression (or a label_values query) refers to."""
    text = re.sub(r'"(?:[^"\\]|\\.)*"', "", expression)       # string literals
    text = re.sub(r"\{[^}]*\}", "", text)                        # label matchers
    text = re.sub(r"\[[^\]]*\]", "", text)                       # range selectors
    text = re.sub(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", "", text)
    text = re.sub(r"label_values\(([^,)]*),[^)]*\)", r"\1", text)  # label_values(metric, label)
    names = re.findall(r"(?<![\w$.])[A-Za-z_:][\w:]*", text)
    return {name for name in names if name not in PROMQL_WORDS}


def dashboard_expressions():
    dashboard = json.loads(DASHBOARD.read_text())
    expressions = []
    for panel in dashboard["panels"]:
        for target in panel.get("targets", []):
            expressions.append((panel["title"], target["expr"]))
    for variable in dashboard["templating"]["list"]:
        if variable["type"] == "query":
            query = variable["query"]
            expressions.append(("variable " + variable["name"], query["query"] if isinstance(query, dict) else query))
    return expressions


def test_metric_name_extraction():
    assert metric_names('sum by (model) (rate(nv_inference_count{model=~"$model"}[$__rate_interval])) / '
                        'sum by (model) (rate(nv_inference_exec_count[5m]))') == \
        {"nv_inference_count", "nv_inference_exec_count"}
    assert metric_names("histogram_quantile(0.9, sum by (le) (rate(x_bucket[1m])))") == {"x_bucket"}
    assert metric_names("label_values(nv_inference_count, model)") == {"nv_inference_count"}


def test_every_dashboard_query_names_a_metric_the_server_exports():
    expressions = dashboard_expressions()
    assert len(expressions) >= 10
    with JepServe([EXAMPLES]) as server:
        for example, arguments in (("add_sub", []), ("custom_metrics", ["--metrics-url", server.metrics_url]),
                                   ("text_stats", ["--metrics-url", server.metrics_url])):
            completed = subprocess.run([CLIENT_PYTHON, str(EXAMPLES / example / "client.py"), "--url", server.url,
                                        *arguments], capture_output=True, text=True, timeout=120)
            assert completed.returncode == 0, completed.stdout + completed.stderr
        exposition = requests.get(server.metrics_url, timeout=10).text
    exported = {re.match(r"[A-Za-z_:][\w:]*", line).group(0)
                for line in exposition.splitlines() if line and not line.startswith("#")}
    for title, expression in expressions:
        names = metric_names(expression)
        assert names, "%s: no metric in %r" % (title, expression)
        missing = names - exported
        assert not missing, "%s: %r names %s, which the server does not export" % (title, expression, missing)
