"""Entry point: a CLI command, or (no command) the desktop app. Qt is imported only for the app,
so `croftpost --help` and every command work without a display."""

from __future__ import annotations

import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    from croftpost.cli import build_parser, run
    from croftpost.config import configure_logging, resolve_data_dir

    args_list = list(sys.argv[1:] if argv is None else argv)
    args = build_parser().parse_args(args_list)
    if not args.demo:
        configure_logging(resolve_data_dir(getattr(args, "data_dir", None)))
    if getattr(args, "command", None) is None:
        from croftpost.ui.app import run_app

        return run_app(getattr(args, "data_dir", None), demo=args.demo)
    return run(args_list)


if __name__ == "__main__":
    sys.exit(main())
