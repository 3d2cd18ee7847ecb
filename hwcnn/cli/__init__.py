"""The `hwcnn` console script: the parser (parser.py) and one handler per subcommand (commands.py).

A HwcnnError (bad input) becomes one line on stderr and exit status 2. Anything else is a bug:
one line and exit status 1, with the traceback only under --debug.
"""

from __future__ import annotations

import sys

from hwcnn.errors import HwcnnError

__all__ = ["build_parser", "main"]


def build_parser():
    from hwcnn.cli.parser import build_parser as build

    return build()


def _quiet_library_warnings() -> None:
    """Import-time notices of Brevitas that tell our users nothing they can act on."""
    import warnings

    warnings.filterwarnings("ignore", message="fast_hadamard_transform package not found")
    warnings.filterwarnings("ignore", message="brevitas.fx is deprecated", category=DeprecationWarning)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in argv
    argv = [a for a in argv if a != "--debug"]
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as done:  # --help (0), or a bad argument: argparse printed its one line (2)
        return int(done.code or 0)
    _quiet_library_warnings()
    from hwcnn.cli import commands

    from hwcnn.outputs import check_free

    handler = getattr(commands, args.command)
    try:
        check_free(getattr(args, "json", None), getattr(args, "force", False))  # before any work starts
        return handler(args) or 0
    except HwcnnError as err:
        if debug:
            raise
        print(f"hwcnn {args.command}: error: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"hwcnn {args.command}: interrupted", file=sys.stderr)
        return 130
    except OSError as err:
        if debug:
            raise
        where = f" ({err.filename})" if getattr(err, "filename", None) else ""
        print(f"hwcnn {args.command}: error: {err.strerror or err}{where}", file=sys.stderr)
        return 2
    except Exception as err:  # noqa: BLE001 - a bug: say so in one line; --debug shows where
        if debug:
            raise
        print(f"hwcnn {args.command}: internal error: {type(err).__name__}: {str(err).splitlines()[0] if str(err) else ''} "
              "(rerun with --debug for the traceback, and please report it)", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
