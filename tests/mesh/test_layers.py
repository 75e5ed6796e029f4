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


def _shaped_services() -> list[str]:
    """Services in the one shape (DESIGN.md): those with a `service` module or package of use cases."""
    return sorted(p.name for p in SERVICES.iterdir() if p.name.endswith("_svc")
                  and ((p / "service.py").exists() or (p / "service").is_dir()))


# What each layer of a service in the one shape must not import (by module name prefix).
_FORBIDDEN = {
    "domain": ("grpc", "sqlalchemy", "padel", "google.protobuf"),
    "servicer": ("{svc}.store",),
    "service": ("grpc", "padel", "google.protobuf"),
}


@pytest.mark.parametrize("package", _shaped_services())
def test_the_layers_of_a_service_import_only_what_they_may(package):
    for module, path in _package_modules(package).items():
        layer = module.split(".")[1] if "." in module else ""
        forbidden = tuple(prefix.format(svc=package) for prefix in _FORBIDDEN.get(layer, ()))
        offending = {name for name in _imports(path)
                     if any(name == prefix or name.startswith(prefix + ".") for prefix in forbidden)}
        assert not offending, f"{module} imports {offending}"
