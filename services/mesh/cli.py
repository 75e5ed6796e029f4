"""The `padel` command: `padel run` starts the whole platform; `padel gen` regenerates gen/."""

import argparse
import sys


def main() -> None:
    parser = argparse.ArgumentParser(prog="padel", description="Padel Platform operations.")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("run", help="start every service and the Envoy edge (embedded by default), keep them running; "
                        "Ctrl-C stops them")
    commands.add_parser("gen", help="regenerate gen/ from protos/")
    args = parser.parse_args()
    if args.command == "run":
        from mesh import launcher

        sys.exit(launcher.run())
    from mesh import codegen

    codegen.main([])


if __name__ == "__main__":
    main()
