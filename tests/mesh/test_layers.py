"""The layers, checked by imports (DESIGN.md): `*_svc → mesh → gen`, no service imports another,
mesh imports no service and has no import cycle (lazy imports inside functions count too)."""

import ast
import pathlib

import pytest

SERVICES = pathlib.Path(__file__).resolve().parents[2] / "services"


def _imports(path: pathlib.Path) -> set[str]:
    """Every module a file imports, at the top or inside a function."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def _package_modules(package: str) -> dict[str, pathlib.Path]:
    root = SERVICES / package
    return {".".join((package, *p.relative_to(root).with_suffix("").parts)).removesuffix(".__init__"): p
            for p in root.rglob("*.py") if "migrations" not in p.parts}


def test_mesh_imports_no_service():
    for module, path in _package_modules("mesh").items():
        offending = {name for name in _imports(path) if name.split(".")[0].endswith("_svc")}
        assert not offending, f"{module} imports {offending}"


def test_no_service_imports_another():
    for package in sorted(p.name for p in SERVICES.iterdir() if p.name.endswith("_svc")):
        for module, path in _package_modules(package).items():
            others = {n.split(".")[0] for n in _imports(path) if n.split(".")[0].endswith("_svc")} - {package}
            assert not others, f"{module} imports {others}"


def test_mesh_has_no_import_cycle():
    modules = _package_modules("mesh")
    graph = {m: {n for n in _imports(p) if n in modules and n != m} for m, p in modules.items()}

    def cycle_from(start, node, trail):
        for nxt in graph[node]:
            if nxt == start:
                return [*trail, nxt]
            if nxt not in trail:
                found = cycle_from(start, nxt, [*trail, nxt])
                if found:
                    return found
        return None

    for module in graph:
        cycle = cycle_from(module, module, [module])
        assert cycle is None, " → ".join(cycle)


# -- inside a service, in the one shape (issue 10) ------------------------------------------------

SHAPED = sorted(p.name for p in SERVICES.iterdir() if p.name.endswith("_svc"))
# The files every service has, named by layer (DESIGN.md); the use cases are `service.py` or `service/`,
# and `events.py` / `consumers.py` exist where a service publishes / consumes events.
SHAPE = ("server.py", "servicer.py", "convert.py", "domain.py", "store.py", "settings.py")
# What only convert.py (and the wiring) may know: protobuf, generated code, grpc.
WIRE = ("grpc", "padel", "google.protobuf")


def _uses(names: set[str], roots: tuple[str, ...]) -> set[str]:
    return {n for n in names if any(n == root or n.startswith(root + ".") for root in roots)}


@pytest.mark.parametrize("package", SHAPED)
def test_domain_is_pure_rules(package):
    offending = _uses(_imports(SERVICES / package / "domain.py"), (*WIRE, "sqlalchemy"))
    assert not offending, f"{package}.domain imports {offending}"


@pytest.mark.parametrize("package", SHAPED)
def test_servicer_never_touches_the_store(package):
    offending = _uses(_imports(SERVICES / package / "servicer.py"), (f"{package}.store",))
    assert not offending, f"{package}.servicer imports {offending}"


@pytest.mark.parametrize("package", SHAPED)
def test_use_cases_know_no_protobuf_or_grpc(package):
    modules = {m: p for m, p in _package_modules(package).items()
               if m == f"{package}.service" or m.startswith(f"{package}.service.")}
    for module, path in modules.items():
        offending = _uses(_imports(path), WIRE)
        assert not offending, f"{module} imports {offending}"


@pytest.mark.parametrize("package", SHAPED)
def test_every_service_has_the_same_files(package):
    root = SERVICES / package
    missing = [name for name in SHAPE if not (root / name).is_file()]
    if not ((root / "service.py").is_file() or (root / "service").is_dir()):
        missing.append("service.py or service/")
    assert not missing, f"{package} lacks {missing}"
