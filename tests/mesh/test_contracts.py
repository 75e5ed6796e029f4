"""The contracts and what is generated from them stay in step, and follow buf's STANDARD rules."""

import filecmp
import pathlib
import subprocess
import sys

from mesh import codegen, contracts

ROOT = pathlib.Path(__file__).resolve().parents[2]
BUF = str(pathlib.Path(sys.executable).parent / "buf")


def _differences(left: pathlib.Path, right: pathlib.Path) -> list[str]:
    compared = filecmp.dircmp(left, right, ignore=["__pycache__"])
    found = [f"{left / n}" for n in compared.left_only + compared.right_only + compared.diff_files]
    for sub in compared.common_dirs:
        found += _differences(left / sub, right / sub)
    return found


def test_gen_matches_the_protos(tmp_path):
    codegen.generate(tmp_path / "gen")
    assert _differences(ROOT / "gen", tmp_path / "gen") == [], "gen/ is stale: run `make gen` and commit it"


def test_buf_lint_standard_passes():
    result = subprocess.run([BUF, "lint", "gen/padel.binpb", "--path", "padel"], cwd=ROOT,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_service_rpc_but_the_internal_ones_has_a_rest_binding():
    """Bound itself, or its answer served over REST as JSON by the RPC naming it (`json_body`);
    an internal RPC (peers only) has none, so the edge never serves it."""
    from google.api import annotations_pb2
    from padel.access.v1 import access_pb2

    methods = [(s, m) for s in contracts.services() for m in s.methods]
    internal = [f"{s.full_name}/{m.name}" for s, m in methods if m.GetOptions().Extensions[access_pb2.access].internal]
    assert "padel.booking.v1.BookingService/HoldCourtForMatch" in internal
    served_as_json = {m.GetOptions().Extensions[access_pb2.json_body] for _, m in methods} - {""}
    unbound = [f"{s.full_name}/{m.name}" for s, m in methods
               if not m.GetOptions().HasExtension(annotations_pb2.http)
               and m.output_type.full_name not in served_as_json]
    assert unbound == internal
    bound_as_json = [m for _, m in methods if m.GetOptions().Extensions[access_pb2.json_body]]
    assert all(m.GetOptions().Extensions[annotations_pb2.http].response_body == "body" for m in bound_as_json)


def test_rest_paths_are_the_documented_ones():
    from google.api import annotations_pb2

    prefixes = {"auth": "/api/auth/", "user": "/api/users/", "booking": "/api/bookings/",
                "notify": "/api/notifications/", "payment": "/api/payments/", "match": "/api/matches/"}
    for service in contracts.services():
        area = service.full_name.split(".")[1]
        for method in service.methods:
            rule = method.GetOptions().Extensions[annotations_pb2.http]
            if not rule.WhichOneof("pattern"):  # served as another RPC's JSON (see above)
                continue
            path = getattr(rule, rule.WhichOneof("pattern"))
            if area == "status":
                assert path in ("/health", "/api/status", "/api/openapi.json", "/api/docs", "/api/docs/{file}",
                                "/verify-email", "/reset-password", "/forgot-password",  # auth's email links
                                "/bookings/{booking_id}/pay")  # notify's share-payment request
            else:
                assert path.startswith(prefixes[area]), f"{method.full_name}: {path}"


def test_buf_breaking_catches_a_renamed_field(tmp_path):
    import shutil

    changed = tmp_path / "protos"
    shutil.copytree(ROOT / "protos", changed)
    booking = changed / "padel" / "booking" / "v1" / "booking.proto"
    booking.write_text(booking.read_text().replace("string court_name = 19;", "string court_title = 19;"))
    codegen.generate(tmp_path / "gen", changed)
    result = subprocess.run([BUF, "breaking", str(tmp_path / "gen" / "padel.binpb"), "--against",
                             "gen/padel.binpb", "--path", "padel"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert "court_name" in result.stdout + result.stderr
