"""A serving process leaves what start-up made out of every garbage collection (mesh.server)."""

import json
import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]

PROBE = """
import gc, json
import booking_svc.server  # a service's whole start-up import: contracts, mappers, gRPC
from mesh.server import GC_YOUNG_THRESHOLD, settle_garbage_collector
before = len(gc.get_objects())
settle_garbage_collector()
print(json.dumps({"before": before, "scanned": len(gc.get_objects()), "frozen": gc.get_freeze_count(),
                  "young": gc.get_threshold()[0], "wanted": GC_YOUNG_THRESHOLD}))
"""


def test_start_up_objects_are_frozen_out_of_collections_and_young_ones_collected_less_often():
    finished = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True, text=True, timeout=120,
                              env={"PATH": "/usr/bin:/bin", "PYTHONPATH": f"{ROOT/'gen'}:{ROOT/'services'}:{ROOT}"})
    assert finished.returncode == 0, finished.stderr
    seen = json.loads(finished.stdout)
    assert seen["before"] > 50_000 and seen["frozen"] >= seen["before"] * 0.9
    assert seen["scanned"] < 1_000  # what a full collection still walks
    assert seen["young"] == seen["wanted"] > 700
