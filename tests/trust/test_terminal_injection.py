"""Terminal injection: escape and control sequences through every field of every importer to every output.

One colleague's file must not write into everyone's terminal. A corpus of
what terminals obey (OSC 52 clipboard writes, CSI, C1 controls, DCS, BEL,
bidi overrides) is put into every field the text, JSON, CSV, Word, Excel and
PDF importers read (Word and Excel files hold what XML can: C1, DEL, bidi); the forms are imported, and every CLI command, every export (to the
terminal and to files, xlsx included) and the app's screen are searched for
a single ESC, BEL, C1 or bidi control. The same again for a database edited
by hand, where the text never came through an importer at all.
"""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import pytest

from perftui.core.normalize import clean_text, escape_controls
from perftui.export import FORMATS
from perftui.services.repository import Repository
from tests.trust.conftest import run_cli

#: What terminals obey, by what it does.
CORPUS = {
    "OSC 52 clipboard, BEL": "\x1b]52;c;cHduZWQ=\x07",
    "OSC 52 clipboard, ST": "\x1b]52;c;cHduZWQ=\x1b\\",
    "OSC title": "\x1b]0;owned\x07",
    "OSC 8 link, C1": "\x9d8;;http://evil.example\x9c",
    "CSI clear screen": "\x1b[2J\x1b[H",
    "CSI colour": "\x1b[31;1m",
    "C1 CSI": "\x9b6n",
    "DCS": "\x1bP1$tx\x1b\\",
    "C1 DCS": "\x90q#0;2;0;0;0\x9c",
    "BEL": "\x07",
    "NUL": "\x00",
    "backspace": "\x08\x08",
    "DEL": "\x7f",
    "reset": "\x1bc",
    "bidi override": "\u202e",
    "bidi isolates": "\u2066\u2069",
}
PAYLOAD = "".join(CORPUS.values())
#: In a text or CSV file a NUL makes the file binary, refused whole (test_hostile_input); JSON escapes it.
TEXT_PAYLOAD = PAYLOAD.replace("\x00", "")
#: Line breaks are the text format's own structure; in JSON and CSV they sit inside a value.
INLINE_BREAKS = "\r\x85\u2028"

#: Anything a terminal would obey: C0 but tab and line feed (CR only before LF), DEL, C1, bidi controls.
FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]|\r(?!\n)")


def assert_clean(text: str | bytes, where: str) -> None:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    found = FORBIDDEN.search(text)
    assert found is None, f"{where}: {found.group()!r} at {found.start()}: {text[max(0, found.start() - 30):found.start() + 30]!r}"


def poisoned(text: str, payload: str = PAYLOAD) -> str:
    """``text`` with the payload after its first character (labels, names, amounts alike)."""
    return text[:1] + payload + text[1:] if text else text


# -- the corpus itself --------------------------------------------------------------


@pytest.mark.parametrize("name", list(CORPUS))
def test_clean_text_removes_each_sequence_whole_and_keeps_chinese(name):
    sequence = CORPUS[name]
    assert clean_text(f"短{sequence}名") == "短名"
    assert clean_text(f"目标一{sequence}\n目标二", multiline=True) == "目标一\n目标二"
    assert FORBIDDEN.search(escape_controls(f"短{sequence}名")) is None
    assert clean_text("全角：９８，１２３．５ ≥ 　中文") == "全角：９８，１２３．５ ≥ 　中文"


@pytest.mark.parametrize("name", list(CORPUS))
def test_every_source_reader_cleans_each_cell_and_line(name):
    """grid.clean is what the text, Word, Excel and PDF readers call on every cell and line."""
    from perftui.importing.grid import clean

    assert clean(f" 短{CORPUS[name]}名 ") == "短名"


# -- the files, poisoned in every field ---------------------------------------------


def poisoned_text_file(seed_text: str) -> str:
    """The seed forms with the payload in every cell of every line (labels and amounts too)."""
    lines = []
    for line in seed_text.splitlines():
        cells = line.split("\t")
        lines.append("\t".join(poisoned(cell, TEXT_PAYLOAD) if cell.strip() else cell for cell in cells))
    return "\n".join(lines) + "\n"


def poisoned_json_file(export: str) -> str:
    """Our JSON export with the payload (and inline line breaks) in every text field of every form."""
    document = json.loads(export)
    for doc in document["forms"]:
        for key in ("name", "period", "department", "unit", "updated_by"):
            doc[key] = poisoned(doc[key]) + INLINE_BREAKS
        for scope in ("period", "annual"):
            doc["goals"][scope] = poisoned(doc["goals"][scope]) + INLINE_BREAKS
        doc["indicators"] = [[poisoned(cell) for cell in row] for row in doc["indicators"]]
    return json.dumps(document, ensure_ascii=False)


def poisoned_csv_file(export: str) -> str:
    """Our CSV export with the payload in every cell but the amounts (which must stay numbers)."""
    import csv
    import io

    rows = list(csv.reader(io.StringIO(export, newline="")))
    amount = re.compile(r"\d+(\.\d+)?")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for row in rows:
        writer.writerow(
            [cell if amount.fullmatch(cell) or not cell else poisoned(cell, TEXT_PAYLOAD) + INLINE_BREAKS for cell in row]
        )
    return out.getvalue()


@pytest.fixture
def clean_exports(capsys, tmp_path, seed_path):
    """The seed forms exported as JSON and CSV from a database of their own."""
    db = tmp_path / "source.json"
    assert run_cli(capsys, "--db", db, "import", seed_path)[0] == 0
    return {
        fmt: run_cli(capsys, "--db", db, "export", "form", "--all", "-f", fmt)[1] for fmt in ("json", "csv")
    }


#: What a Word or Excel file (XML) can hold at all: no C0 controls, so no ESC; the C1
#: sequences (CSI, OSC, DCS), DEL and bidi controls it can, and a unit's file may carry them.
XML_PAYLOAD = "".join(sequence for sequence in CORPUS.values() if all(c >= " " for c in sequence))


def _hostile_file(kind: str, tmp_path: Path, seed_text: str, clean_exports) -> Path:
    if kind in ("docx", "xlsx", "pdf"):
        from tests.importing import builders

        text = "\n".join(
            "\t".join(poisoned(cell, XML_PAYLOAD) if cell.strip() else cell for cell in line.split("\t"))
            for line in seed_text.splitlines()
        )
        path = tmp_path / f"hostile.{kind}"
        getattr(builders, f"write_{kind}")(text, path)
        return path
    if kind == "text":
        path, content = tmp_path / "hostile.txt", poisoned_text_file(seed_text)
    elif kind == "json":
        path, content = tmp_path / "hostile.json", poisoned_json_file(clean_exports["json"])
    else:
        path, content = tmp_path / "hostile.csv", poisoned_csv_file(clean_exports["csv"])
    assert "\x1b" in content or "\\u001b" in content  # JSON escapes it, as any JSON writer would
    path.write_text(content, encoding="utf-8")
    return path


# -- every output -------------------------------------------------------------------


def every_output(capsys, monkeypatch, db: Path, tmp_path: Path) -> dict[str, str | bytes]:
    """What every command prints (stdout and stderr) and every export file holds."""
    outputs: dict[str, str | bytes] = {}

    def run(*argv, stdin=None):
        code, out, err = run_cli(capsys, "--db", db, *argv, stdin=stdin, monkeypatch=monkeypatch)
        outputs[" ".join(map(str, argv))] = out + err
        return code, out, err

    repository = Repository.open(db)
    form = repository.lookup("劳务派遣")[0]
    repository.save(form.evolve(annual_goal=form.annual_goal + "（改）"))
    repository.delete(repository.lookup("征迁")[0])
    name = repository.lookup("劳务派遣")[0].id
    for argv in (
        ["list"], ["show", name], ["total"], ["total", "--by", "unit"], ["total", "--by", "department"],
        ["check"], ["history"], ["history", "--full"], ["history", name, "--full"], ["history", name, "--show", "1"],
        ["deleted"], ["backups"], ["verify"],
    ):
        run(*argv)
    run("revert", name, "1", stdin="n\n")  # the preview, then "no"
    for what in ("summary", "form", "indicators"):
        for fmt in FORMATS:
            names = [] if what == "summary" else ["--all"]
            if fmt != "xlsx":
                run("export", what, *names, "-f", fmt)
            target = tmp_path / f"out-{what}.{fmt}"
            code, _out, err = run("export", what, *names, "-f", fmt, "-o", target, "--force")
            assert code == 0, err
            outputs[f"file {target.name}"] = target.read_bytes() if fmt != "xlsx" else _xlsx_text(target)
    return outputs


def _xlsx_text(path: Path) -> str:
    """Every XML part of a workbook, as text: what Excel would read."""
    with zipfile.ZipFile(path) as book:
        return "\n".join(book.read(name).decode("utf-8") for name in book.namelist() if name.endswith(".xml"))


def _stored_strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for item in value.values() for s in _stored_strings(item)]
    if isinstance(value, list):
        return [s for item in value for s in _stored_strings(item)]
    return []


# A PDF's text layer holds what its fonts can draw: no control character survives ReportLab
# (nor pdfplumber's reading); the PDF reader cleans each cell and line as the others do
# (grid.clean, below), and every recognized form goes through importing.text.admitted.
@pytest.mark.parametrize("kind", ["text", "json", "csv", "docx", "xlsx"])
def test_escapes_in_every_field_of_every_importer_reach_no_output(
    capsys, monkeypatch, tmp_path, seed_text, clean_exports, kind
):
    db = tmp_path / "forms.json"
    path = _hostile_file(kind, tmp_path, seed_text, clean_exports)
    code, out, err = run_cli(capsys, "--db", db, "import", path)
    assert code == 0, err
    assert_clean(out + err, "import")
    assert "新增 8" in out
    # Cleaned at the door: nothing of the payload is stored, in any field.
    stored = json.loads(db.read_text(encoding="utf-8"))
    for text in _stored_strings(stored):
        assert_clean(text, "the database")
    repository = Repository.open(db)
    names = sorted(form.name for form in repository.forms())
    assert "研究院劳务派遣人员经费" in names and all("]52;" not in n and "cHduZWQ" not in n for n in names)
    for where, output in every_output(capsys, monkeypatch, db, tmp_path).items():
        assert_clean(output, where)


def test_a_database_edited_by_hand_reaches_no_output_either(capsys, monkeypatch, tmp_path, seed_path):
    """Text that never came through an importer: Form.from_doc cleans it, the exits escape the rest."""
    db = tmp_path / "forms.json"
    assert run_cli(capsys, "--db", db, "import", seed_path)[0] == 0
    data = json.loads(db.read_text(encoding="utf-8"))
    for doc in data["forms"].values():
        for key in ("name", "period", "department", "unit", "updated_by", "updated_at"):
            doc[key] = poisoned(doc[key])
        doc["goals"] = {scope: poisoned(text) for scope, text in doc["goals"].items()}
        doc["indicators"] = [[poisoned(cell) for cell in row] for row in doc["indicators"]]
    for entry in data["history"].values():
        for key in ("form_name", "by", "client", "at"):
            entry[key] = poisoned(entry.get(key, ""))
    db.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    outputs = every_output(capsys, monkeypatch, db, tmp_path)
    for where, output in outputs.items():
        assert_clean(output, where)
    # Tampering is still visible, in words.
    assert "不符" in outputs["verify"]


def test_what_the_operator_types_on_the_command_line_is_escaped_in_what_comes_back(capsys, tmp_path, seed_path):
    db = tmp_path / "forms.json"
    run_cli(capsys, "--db", db, "import", seed_path)
    for argv in (["show", "劳务" + PAYLOAD], ["history", "x" + PAYLOAD], ["--db", str(tmp_path / f"a{PAYLOAD}.json"), "list"],
                 ["export", "summary", "-f", "x" + PAYLOAD], ["list", "--year", PAYLOAD]):
        code, out, err = run_cli(capsys, "--db", db, *argv)
        assert code != 0 or out
        assert_clean(out + err, " ".join(argv))


def test_an_amount_with_escapes_shows_none_of_them_whatever_becomes_of_it(capsys, tmp_path, seed_text):
    """Read as an amount with words after it, or refused: either way in words without escapes."""
    path = tmp_path / "amount.txt"
    for amount in ("9\x1b]52;c;eA==\x07x8", "\x9b2J九十八\x07"):
        path.write_text(seed_text.replace("98\t年度金额\t98", f"98\t年度金额\t{amount}", 1), encoding="utf-8")
        code, out, err = run_cli(capsys, "--db", tmp_path / "forms.json", "import", path)
        assert code in (0, 1) and "Traceback" not in err
        assert_clean(out + err, "import of an amount with escapes")


# -- the app's screen ----------------------------------------------------------------


def _screen_text(app) -> str:
    """Every character the app would send to the terminal as text (styles aside)."""
    strips = app.screen._compositor.render_strips()
    return "\n".join("".join(segment.text for segment in strip) for strip in strips)


async def test_the_apps_screens_show_none_of_it(tmp_path, seed_path, make_app_on):
    from tests.tui.helpers import started, wait_for

    db = tmp_path / "forms.json"
    Repository.open(db).import_forms(__import__("perftui.importing.text", fromlist=["read_file"]).read_file(seed_path))
    data = json.loads(db.read_text(encoding="utf-8"))
    for doc in data["forms"].values():
        for key in ("name", "department", "unit", "updated_by"):
            doc[key] = poisoned(doc[key])
        doc["goals"] = {scope: poisoned(text) for scope, text in doc["goals"].items()}
        doc["indicators"] = [[poisoned(cell) for cell in row] for row in doc["indicators"]]
    for entry in data["history"].values():
        entry["form_name"], entry["by"] = poisoned(entry["form_name"]), poisoned(entry["by"])
    db.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")

    app = make_app_on(db)
    async with app.run_test(size=(100, 30)) as pilot:
        await started(pilot)
        screen = _screen_text(app)
        assert "研究院劳务派遣" in screen or "劳务派遣" in screen
        assert_clean(screen, "the list")
        await pilot.press("h")  # the history of the form under the cursor
        await wait_for(pilot, lambda: type(app.screen).__name__ == "HistoryScreen", what="history")
        await pilot.pause(0.2)
        assert_clean(_screen_text(app), "the history screen")
        await pilot.press("escape")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "ProjectListScreen", what="home")
        await pilot.press("enter")  # the editor
        await wait_for(pilot, lambda: type(app.screen).__name__ == "FormEditorScreen", what="editor")
        await pilot.pause(0.2)
        assert_clean(_screen_text(app), "the editor")


async def test_text_pasted_into_the_editor_is_cleaned_before_it_is_shown(tmp_path, seed_path, make_app_on):
    from textual import events
    from textual.widgets import Input

    from tests.tui.helpers import started, wait_for

    db = tmp_path / "forms.json"
    Repository.open(db).import_forms(__import__("perftui.importing.text", fromlist=["read_file"]).read_file(seed_path))
    app = make_app_on(db)
    async with app.run_test(size=(100, 30)) as pilot:
        await started(pilot)
        await pilot.press("enter")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "FormEditorScreen", what="editor")
        field = app.screen.query_one("#field-name", Input)
        field.focus()
        await pilot.pause()
        field.post_message(events.Paste("新" + PAYLOAD + "名"))
        await wait_for(pilot, lambda: "新" in field.value, what="paste")
        await pilot.pause()
        assert "新名" in field.value
        assert_clean(field.value, "the name field")
        assert_clean(_screen_text(app), "the editor after a paste")


@pytest.fixture
def make_app_on():
    from perftui.config import Settings
    from perftui.tui.app import PerftuiApp

    return lambda db: PerftuiApp(db, settings=Settings(), poll_interval=0.1)
