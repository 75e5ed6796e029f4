"""The platform's contracts as loaded descriptors: every `padel.*` service in gen/, and the
descriptor set beside them (with the protos' comments)."""

import functools
import importlib
import pathlib
import pkgutil

from google.protobuf import descriptor, descriptor_pb2

# Written by `make gen` into gen/, beside the `padel` package: every contract and its imports,
# compiled with source info (comments). Envoy's transcoder and buf read it too.
DESCRIPTOR_SET = "padel.binpb"


@functools.cache
def services() -> list[descriptor.ServiceDescriptor]:
    """Every gRPC service of the platform, importing each generated module once."""
    import padel

    found = []
    for module in pkgutil.walk_packages(padel.__path__, prefix="padel."):
        if module.name.endswith("_pb2"):
            loaded = importlib.import_module(module.name)
            found.extend(loaded.DESCRIPTOR.services_by_name.values())
    return sorted(found, key=lambda s: s.full_name)


@functools.cache
def descriptor_set() -> descriptor_pb2.FileDescriptorSet:
    """gen/padel.binpb, read once."""
    import padel

    path = pathlib.Path(next(iter(padel.__path__))).parent / DESCRIPTOR_SET
    try:
        return descriptor_pb2.FileDescriptorSet.FromString(path.read_bytes())
    except OSError as exc:
        raise SystemExit(f"descriptor set {path}: {exc.strerror} (run `make gen`)") from None
