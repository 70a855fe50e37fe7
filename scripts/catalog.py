"""Keep the message catalogs in step with the code.

    python scripts/catalog.py update    # extract messages, merge them into every .po
    python scripts/catalog.py compile   # .po -> .mo (the .mo files are committed and shipped)
    python scripts/catalog.py check     # exit 1 if a message is untranslated or a .mo is stale
    python scripts/catalog.py fold FILE.json   # take English from {"中文": "English" | [singular, plural]}

The .mo files are committed because an editable install (the README's set-up)
runs no build step; tests/test_i18n.py fails when their messages drift from the .po files
(compared message by message: the header names the Babel that compiled it).
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "perftui" / "locale"
KEYWORDS = {"_": None, "gettext": None, "N_": None, "ngettext": (1, 2)}


def untranslated(message) -> bool:
    strings = message.string if isinstance(message.string, (tuple, list)) else (message.string,)
    return bool(message.id) and not all(strings)


def _fields(text: str) -> set[str]:
    import re

    return set(re.findall(r"\{(\w*)[^}]*\}", text))


def same_fields(message) -> bool:
    """A translation must use the same {placeholders}, or .format() fails at run time."""
    ids = message.id if isinstance(message.id, (tuple, list)) else (message.id,)
    strings = message.string if isinstance(message.string, (tuple, list)) else (message.string,)
    expected = _fields(ids[0])
    return all(_fields(text) == expected for text in strings)


def po_files() -> list[Path]:
    return sorted(LOCALE.glob("*/LC_MESSAGES/perftui.po"))


def extract() -> Catalog:
    template = Catalog(project="perftui")
    for filename, lineno, message, comments, context in extract_from_dir(
        ROOT / "perftui", method_map=[("**.py", "python")], keywords=KEYWORDS
    ):
        template.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return template


def update() -> None:
    template = extract()
    for po in po_files():
        with po.open("rb") as handle:
            catalog = read_po(handle)
        catalog.update(template, no_fuzzy_matching=True)
        with po.open("wb") as handle:
            write_po(handle, catalog, omit_header=False, no_location=True, sort_output=True, ignore_obsolete=True)
        print(f"{po}: {sum(1 for m in catalog if untranslated(m))} untranslated")


def mo_bytes(po: Path) -> bytes:
    with po.open("rb") as handle:
        catalog = read_po(handle)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    return buffer.getvalue()


def mo_messages(data: bytes) -> dict:
    """The messages of a compiled catalog, without its header.

    The header carries ``Generated-By: Babel X.Y``, which changes with the
    Babel that compiled it; a byte comparison would call a catalog stale on
    every Babel release although no message changed.
    """
    from babel.messages.mofile import read_mo

    catalog = read_mo(io.BytesIO(data))
    def key(value):
        return tuple(value) if isinstance(value, (list, tuple)) else value

    return {(key(message.id), message.context): key(message.string) for message in catalog if message.id}


def is_current(mo: Path, po: Path) -> bool:
    """The shipped .mo says exactly what the .po says, message by message."""
    return mo.exists() and mo_messages(mo.read_bytes()) == mo_messages(mo_bytes(po))


def compile_all() -> None:
    for po in po_files():
        po.with_suffix(".mo").write_bytes(mo_bytes(po))
        print(f"compiled {po.with_suffix('.mo')}")


def problems() -> list[str]:
    found = []
    template_ids = {m.id for m in extract() if m.id}
    for po in po_files():
        with po.open("rb") as handle:
            catalog = read_po(handle)
        ids = {m.id for m in catalog if m.id}
        for missing in sorted(template_ids - ids, key=str):
            found.append(f"{po}: not in catalog: {missing!r}")
        for message in catalog:
            if untranslated(message):
                found.append(f"{po}: untranslated: {message.id!r}")
            elif message.id and not same_fields(message):
                found.append(f"{po}: the translation's {{fields}} differ from the original: {message.id!r}")
        mo = po.with_suffix(".mo")
        if not is_current(mo, po):
            found.append(f"{mo}: stale; run python scripts/catalog.py compile")
    return found


def fold(path: Path) -> None:
    """Fill the English catalog from a JSON map (how parallel branches hand in translations)."""
    import json

    mapping = json.loads(path.read_text(encoding="utf-8"))
    po = LOCALE / "en" / "LC_MESSAGES" / "perftui.po"
    with po.open("rb") as handle:
        catalog = read_po(handle)
    for message in catalog:
        key = message.id[0] if isinstance(message.id, tuple) else message.id
        if key in mapping:
            value = mapping[key]
            message.string = tuple(value) if isinstance(message.id, tuple) else value
    with po.open("wb") as handle:
        write_po(handle, catalog, no_location=True, sort_output=True, ignore_obsolete=True)


def main(argv: list[str]) -> int:
    command = argv[1] if len(argv) > 1 else "check"
    if command == "update":
        update()
    elif command == "fold":
        update()
        for name in argv[2:]:
            fold(Path(name))
        compile_all()
    elif command == "compile":
        compile_all()
    elif command == "check":
        issues = problems()
        print("\n".join(issues) or "catalogs complete")
        return 1 if issues else 0
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
