"""The layers, checked by imports (DESIGN.md): `*_svc → mesh → gen`, no service imports another,
mesh imports no service and has no import cycle (lazy imports inside functions count too); inside a
service, domain is pure, the servicer never reaches the store and use cases know no grpc or proto."""

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


# -- inside one service (issue 10's one shape) ---------------------------------------------------------

# Services already in the one shape (a `service.py` or `service/` of use cases); once every service is,
# this is every `*_svc`.
SHAPED = sorted(p.name for p in SERVICES.glob("*_svc") if (p / "service.py").exists() or (p / "service").is_dir())
INFRASTRUCTURE = ("grpc", "sqlalchemy", "padel", "google.protobuf")


def _offending(imports: set[str], roots: tuple[str, ...]) -> set[str]:
    return {n for n in imports if any(n == r or n.startswith(r + ".") for r in roots)}


@pytest.mark.parametrize("package", SHAPED)
def test_domain_is_pure(package):
    """No grpc, SQL or generated code in the rules."""
    offending = _offending(_imports(SERVICES / package / "domain.py"), INFRASTRUCTURE)
    assert not offending, f"{package}.domain imports {offending}"


@pytest.mark.parametrize("package", SHAPED)
def test_servicer_never_reaches_the_store(package):
    offending = _offending(_imports(SERVICES / package / "servicer.py"), (f"{package}.store",))
    assert not offending, f"{package}.servicer imports {offending}"


@pytest.mark.parametrize("package", SHAPED)
def test_use_cases_know_no_grpc_or_generated_code(package):
    modules = {m: p for m, p in _package_modules(package).items()
               if m == f"{package}.service" or m.startswith(f"{package}.service.")}
    assert modules
    for module, path in modules.items():
        offending = _offending(_imports(path), ("grpc", "padel", "google.protobuf"))
        assert not offending, f"{module} imports {offending}"
