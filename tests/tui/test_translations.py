"""Every message of the TUI has English, in the catalog or waiting in pending/tui.json."""

import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PENDING = ROOT / "perftui" / "locale" / "pending" / "tui.json"


def _tui_messages() -> list[str | tuple[str, str]]:
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import catalog
    finally:
        sys.path.pop(0)
    from babel.messages.extract import extract_from_dir

    found = extract_from_dir(ROOT / "perftui" / "tui", method_map=[("**.py", "python")], keywords=catalog.KEYWORDS)
    return [message for _file, _line, message, _comments, _context in found]


def _fields(text: str) -> set[str]:
    return set(re.findall(r"\{(\w*)\}", text))


def test_every_tui_message_has_english_with_the_same_fields():
    from babel.messages.pofile import read_po

    with (ROOT / "perftui" / "locale" / "en" / "LC_MESSAGES" / "perftui.po").open("rb") as handle:
        known = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(handle) if m.id}
    pending = json.loads(PENDING.read_text(encoding="utf-8"))
    missing = []
    for message in _tui_messages():
        msgid = message if isinstance(message, str) else message[0]
        if msgid in known:
            continue
        english = pending.get(msgid)
        if english is None:
            missing.append(msgid)
            continue
        for text in [english] if isinstance(english, str) else english:
            assert _fields(text) == _fields(msgid), (msgid, text)
        assert isinstance(english, str) == isinstance(message, str), f"plural form mismatch: {msgid}"
    assert not missing, missing
