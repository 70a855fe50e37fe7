"""The bundled demo forms: a copy of eight real 2024 forms of one institute."""

from pathlib import Path

SEED = Path(__file__).with_name("2024-performance-targets.txt")


def ensure_demo(repository) -> None:
    """The demo database holds the bundled forms; they are imported on its first use."""
    if repository.forms() or repository.deleted_forms() or repository.read_only:
        return
    from perftui.importing.text import read_file

    repository.import_forms(read_file(SEED))
