"""Generates gen/ from protos/: Python messages, gRPC stubs, type stubs, the descriptor set
that Envoy's JSON transcoder and `buf lint` read, and the REST API's OpenAPI document
(gen/openapi.json, walked from that descriptor set by mesh.openapi).

`buf/validate/validate.proto` is not shipped as a file by any package; protovalidate embeds its
descriptor, so we hand protoc that descriptor instead of a source file.

    python -m mesh.codegen [--out DIR] [--protos DIR]
"""

import argparse
import pathlib
import os
import shutil
import subprocess
import sys
import tempfile

import grpc_tools
from google.protobuf import descriptor_pb2
from grpc_tools import protoc

from mesh.contracts import DESCRIPTOR_SET

ROOT = pathlib.Path(__file__).resolve().parents[2]
PROTOS = ROOT / "protos"
OPENAPI = "openapi.json"
VALIDATE_PROTO = "buf/validate/validate.proto"
# google.rpc detail types go into the descriptor set so Envoy can render rich errors as JSON.
RPC_DETAIL_PROTOS = ["google/rpc/status.proto", "google/rpc/error_details.proto"]


def _googleapis_include() -> pathlib.Path:
    import google.api.annotations_pb2 as annotations

    return pathlib.Path(annotations.__file__).resolve().parents[2]


def _write_validate_descriptor(path: pathlib.Path) -> None:
    from protovalidate._gen.buf.validate import validate_pb

    files = descriptor_pb2.FileDescriptorSet()
    files.file.add().ParseFromString(validate_pb.desc().proto.to_binary())
    path.write_bytes(files.SerializeToString())


def _protoc(args: list[str]) -> None:
    if protoc.main(["protoc", *args]) != 0:
        sys.exit(f"protoc failed: {' '.join(args)}")


def _openapi(staging: pathlib.Path) -> None:
    """gen/openapi.json from the descriptor set just built, read with the stubs just built (the
    contracts' own options are extensions the walker must know)."""
    code = ("import pathlib, sys; from mesh import openapi; "
            "openapi.write(pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2]))")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(staging), str(ROOT / "services")])}
    result = subprocess.run([sys.executable, "-c", code, str(staging / DESCRIPTOR_SET), str(staging / OPENAPI)],
                            env=env, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"openapi: {result.stderr.strip()}")


def generate(out: pathlib.Path, protos: pathlib.Path = PROTOS) -> None:
    """Writes every generated file for the contracts under `protos` into `out` (replacing what was there)."""
    contracts = sorted(str(p.relative_to(protos)) for p in protos.rglob("*.proto"))
    with tempfile.TemporaryDirectory() as tmp:
        validate_set = pathlib.Path(tmp) / "validate.binpb"
        _write_validate_descriptor(validate_set)
        include = [
            f"-I{pathlib.Path(grpc_tools.__file__).parent / '_proto'}",
            f"--descriptor_set_in={validate_set}",
            f"-I{protos}",
            f"-I{_googleapis_include()}",
        ]
        staging = pathlib.Path(tmp) / "gen"
        staging.mkdir()
        _protoc([*include, f"--python_out={staging}", f"--pyi_out={staging}",
                 f"--grpc_python_out={staging}", *contracts, VALIDATE_PROTO])
        _protoc([*include, "--include_imports", "--include_source_info",
                 f"--descriptor_set_out={staging / DESCRIPTOR_SET}", *contracts, *RPC_DETAIL_PROTOS])
        _openapi(staging)
        # Messages-only files get an empty *_grpc.py from protoc; they are noise.
        for stub in staging.rglob("*_pb2_grpc.py"):
            if "class " not in stub.read_text():
                stub.unlink()
        for package in [p for p in staging.rglob("*") if p.is_dir()]:
            (package / "__init__.py").touch()
        if out.exists():
            shutil.rmtree(out)
        shutil.copytree(staging, out)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=pathlib.Path, default=ROOT / "gen")
    parser.add_argument("--protos", type=pathlib.Path, default=PROTOS, help="contracts to compile")
    args = parser.parse_args(argv)
    generate(args.out, args.protos.resolve())


if __name__ == "__main__":
    main()
