"""Server reflection that serves the contracts with their comments, so `grpcurl describe` shows
the documentation written in the protos, methods included.

grpcio-reflection answers from a descriptor pool, and a pool keeps no source info: the comments
exist only in the descriptor set `make gen` compiles with --include_source_info (gen/padel.binpb).
So the files named there are served from it; files it does not hold (health, reflection) come from
the process's own pool. The pool also knows no method as a symbol, while grpcurl asks for
`padel.booking.v1.BookingService.Book` by name: a method leads to its service's file.
"""

import functools

from google.protobuf import descriptor_pb2, descriptor_pool

from mesh import contracts


class _File:
    """A file of the descriptor set as grpcio-reflection reads a file descriptor."""

    def __init__(self, proto: descriptor_pb2.FileDescriptorProto, pool: "ContractPool"):
        self._proto = proto
        self._pool = pool
        self.name = proto.name

    @property
    def dependencies(self) -> list:
        return [self._pool.FindFileByName(name) for name in self._proto.dependency]

    def CopyToProto(self, proto: descriptor_pb2.FileDescriptorProto) -> None:
        proto.CopyFrom(self._proto)


class ContractPool:
    """The descriptor pool grpcio-reflection is given: the lookups it makes, answered with the
    descriptor set's files (source info included) wherever the set has them."""

    def __init__(self, files: descriptor_pb2.FileDescriptorSet,
                 loaded: descriptor_pool.DescriptorPool | None = None):
        self._files = {proto.name: proto for proto in files.file}
        self._loaded = loaded or descriptor_pool.Default()

    def FindFileByName(self, name: str):
        if name in self._files:
            return _File(self._files[name], self)
        return self._loaded.FindFileByName(name)

    def FindFileContainingSymbol(self, symbol: str):
        try:
            found = self._loaded.FindFileContainingSymbol(symbol)
        except KeyError:
            service, _, method = symbol.rpartition(".")
            owner = self._loaded.FindServiceByName(service)  # KeyError: not a method either
            if method not in owner.methods_by_name:
                raise
            found = owner.file
        return self.FindFileByName(found.name)

    def FindMessageTypeByName(self, name: str):
        return self._loaded.FindMessageTypeByName(name)

    def FindExtensionByNumber(self, message, number: int):
        return self._loaded.FindExtensionByNumber(message, number)

    def FindAllExtensions(self, message):
        return self._loaded.FindAllExtensions(message)


@functools.cache
def contract_pool() -> ContractPool:
    """The pool for this process's reflection service (the descriptor set is read once)."""
    return ContractPool(contracts.descriptor_set())
