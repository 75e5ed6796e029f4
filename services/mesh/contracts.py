"""The platform's contracts as loaded descriptors: every `padel.*` service in gen/."""

import functools
import importlib
import pkgutil

from google.protobuf import descriptor


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
