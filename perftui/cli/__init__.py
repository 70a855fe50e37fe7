"""The ``perftui`` command: the parser in :mod:`perftui.cli.parser`, one module per command group."""

from perftui.cli.common import EXIT_ERROR, EXIT_FINDINGS, EXIT_OK, EXIT_USAGE
from perftui.cli.parser import build_parser, main, run

__all__ = ["main", "run", "build_parser", "EXIT_OK", "EXIT_FINDINGS", "EXIT_USAGE", "EXIT_ERROR"]
