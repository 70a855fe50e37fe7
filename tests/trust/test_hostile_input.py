"""Bad input everywhere: fuzzed importer, amounts and 指标值; binary, empty, GB18030 and endless files.

tests/test_importer.py and tests/test_money.py fuzz with small alphabets; these
go further: any bytes, any Unicode, and the real seed mangled the ways
extraction and hand-editing mangle it, checked all the way to what would be
stored and shown.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from perftui.core import findings

from perftui.text import views
from perftui.demo import SEED
from perftui.importing.text import FormatError, decode_detected, parse_text
from perftui.core.money import MAX_DECIMALS, AmountError, parse_amount
from perftui.services.repository import form_doc_problem
from perftui.core.target import parse_target
from storage import fileformat
from tests.trust.conftest import ROOT, run_cli

SEED_LINES = SEED.read_text(encoding="utf-8").splitlines()


def _import_or_refuse(text: str) -> None:
    """What the importer must do with any text: forms we can store and show, or FormatError."""
    try:
        forms = parse_text(text, "fuzz.txt")
    except FormatError as error:
        assert str(error).startswith("fuzz.txt")
        assert "\n" not in str(error).strip()
        return
    for form in forms:
        texts = [form.name, form.unit, form.department, form.period_goal, form.annual_goal]
        texts += [cell for row in form.indicators for cell in row.to_doc()]
        assert not any(ch in text for text in texts for ch in "\x00\x1b\x07\x9b")  # nothing for a terminal to obey
        doc = form.to_doc()
        assert form_doc_problem(doc) is None
        fileformat.normalize(doc)  # storable as JSON
        findings.check(form)
        views.form_text(form)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=3000))
@example(b"\xfe\xff")  # a UTF-16 byte-order mark and nothing else: empty text, found by hypothesis
def test_any_bytes_decode_and_import_or_are_refused(data):
    try:
        text, encoding = decode_detected(data, "fuzz.txt")
    except FormatError:
        return
    # UTF-16/32 only behind their byte-order mark (Notepad's "Unicode"), e.g. b"\xfe\xff" alone.
    assert encoding in ("utf-8", "gb18030") or (encoding in ("utf-16", "utf-32") and data[:2] in (b"\xff\xfe", b"\xfe\xff", b"\x00\x00"))
    _import_or_refuse(text)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=1000))
def test_any_unicode_text_imports_or_is_refused(text):
    _import_or_refuse(text)


def _mangle(draw_ops, lines):
    lines = list(lines)
    for op, position, payload in draw_ops:
        if not lines:
            break
        index = position % len(lines)
        if op == "delete":
            del lines[index]
        elif op == "duplicate":
            lines.insert(index, lines[index])
        elif op == "insert":
            cut = position % (len(lines[index]) + 1)
            lines[index] = lines[index][:cut] + payload + lines[index][cut:]
        elif op == "replace-cell":
            cells = lines[index].split("\t")
            cells[position % len(cells)] = payload
            lines[index] = "\t".join(cells)
        elif op == "tabs-to-spaces":
            lines[index] = lines[index].replace("\t", " ")
        elif op == "cut":
            lines = lines[:index]
    return "\n".join(lines)


_PAYLOAD = st.text(
    alphabet=st.sampled_from(list("0123456789０１２３.,，。：:%％≥≤<>=万元人个年度月日项目名称财政拨款其他资金一级指标\t -—\x00\x1b\u200b")),
    max_size=12,
)
_OPS = st.lists(
    st.tuples(
        st.sampled_from(["delete", "duplicate", "insert", "replace-cell", "tabs-to-spaces", "cut"]),
        st.integers(min_value=0, max_value=10_000),
        _PAYLOAD,
    ),
    min_size=1,
    max_size=12,
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_OPS)
def test_the_seed_mangled_imports_or_is_refused(ops):
    _import_or_refuse(_mangle(ops, SEED_LINES))


_IME = st.text(alphabet=st.sampled_from(list("0123456789０１２３４５６７８９.．。,，、 　-－−+＋万元eE_")), max_size=20)


@settings(max_examples=500, deadline=None)
@given(st.one_of(_IME, st.text(max_size=30)))
def test_amounts_typed_through_an_ime_parse_or_raise_amount_error(text):
    try:
        amount = parse_amount(text)
    except AmountError as error:
        assert str(error) and "\n" not in str(error)
        return
    if amount is not None:
        assert amount.is_finite() and amount >= 0 and -amount.as_tuple().exponent <= MAX_DECIMALS


@settings(max_examples=500, deadline=None)
@given(st.one_of(st.text(max_size=40), _IME, _PAYLOAD))
def test_target_parsing_never_raises(text):
    target = parse_target(text)
    assert target.text == text
    target.describe(), target.in_wan_yuan(), target.is_percentage, target.is_ceiling
    if not target.qualitative:
        assert target.number.is_finite() and target.number >= 0


def test_escape_sequences_in_a_file_do_not_reach_the_database(seed_text):
    hostile = seed_text.replace("研究院劳务派遣人员经费", "研究院\x1b]0;owned\x07劳务派遣\x1b[2J人员经费", 1)
    form = parse_text(hostile)[0]
    assert form.name == "研究院劳务派遣人员经费"  # whole sequences go, not only their ESC


# -- files through the CLI: one line, nothing changed in the database ------


@pytest.fixture
def seeded(capsys, db_path, seed_path):
    assert run_cli(capsys, "--db", db_path, "import", seed_path)[0] == 0
    return db_path


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (b"\x7fELF\x02\x01\x01\x00" + bytes(range(256)) * 8, "二进制"),
        (b"", "空"),
        (b"  \n\t\r\n", "空"),
        (b"\xff\xfe\xfa\xfb\xff" * 10, "编码"),
        ("绩效目标\t年度\n随便\n".encode(), "没有找到"),
    ],
    ids=["binary", "empty", "blank", "undecodable", "no form"],
)
def test_a_bad_file_gets_one_line_and_changes_nothing(capsys, seeded, tmp_path, content, says):
    before = seeded.read_bytes()
    path = tmp_path / "input.txt"
    path.write_bytes(content)
    code, out, err = run_cli(capsys, "--db", seeded, "import", path)
    assert code == 1
    (line,) = err.strip().splitlines()
    assert str(path) in line and says in line
    assert seeded.read_bytes() == before


def test_a_folder_given_as_a_file(capsys, seeded, tmp_path):
    before = seeded.read_bytes()
    code, out, err = run_cli(capsys, "--db", seeded, "import", tmp_path)
    assert code == 1 and len(err.strip().splitlines()) == 1 and "无法读取" in err
    assert seeded.read_bytes() == before


def test_a_gb18030_file_is_read_and_the_output_says_so(capsys, db_path, seed_text, tmp_path):
    path = tmp_path / "gbk.txt"
    path.write_bytes(seed_text.encode("gb18030"))
    code, out, err = run_cli(capsys, "--db", db_path, "import", path)
    assert code == 0 and err == ""
    assert out.splitlines()[0] == f"{path}：不是 UTF-8，已按 GB18030 编码读取"
    assert "新增 8" in out
    assert "研究院劳务派遣人员经费" in run_cli(capsys, "--db", db_path, "list")[1]
    utf8 = tmp_path / "utf8.txt"
    utf8.write_text(seed_text, encoding="utf-8")
    assert "GB18030" not in run_cli(capsys, "--db", db_path, "import", utf8)[1]


def test_an_oversized_file_is_refused_in_one_line(capsys, monkeypatch, seeded, seed_text, tmp_path):
    from perftui.importing import text as importer

    before = seeded.read_bytes()
    monkeypatch.setattr(importer, "MAX_FILE_BYTES", 10_000)
    path = tmp_path / "big.txt"
    path.write_text(seed_text, encoding="utf-8")
    code, out, err = run_cli(capsys, "--db", seeded, "import", path)
    assert code == 1 and len(err.strip().splitlines()) == 1 and "过大" in err and str(path) in err
    assert seeded.read_bytes() == before


def test_an_endless_file_is_refused_within_bounded_memory(seeded):
    """/dev/zero reports size 0: only a bounded read stops it, here under a 1 GB address-space cap."""
    before = seeded.read_bytes()

    def cap_memory():
        resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))

    env = os.environ | {"PYTHONPATH": str(ROOT)}
    result = subprocess.run(
        [sys.executable, "-m", "perftui", "--db", str(seeded), "import", "/dev/zero"],
        capture_output=True, text=True, env=env, preexec_fn=cap_memory, timeout=60,
    )
    assert result.returncode == 1, result.stderr[-500:]
    (line,) = result.stderr.strip().splitlines()
    assert "/dev/zero" in line and "过大" in line
    assert seeded.read_bytes() == before
