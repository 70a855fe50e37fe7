"""Errors in the operator's language: the storage layer's English reasons named in Chinese."""

import errno

import pytest

import storage
from perftui.text.errors import damage_text, describe


@pytest.mark.parametrize(
    ("reason", "said"),
    [
        ("the file is cut short, as if a write was interrupted", "文件不完整，像是写入时被中断"),
        ("the file is empty", "文件是空的"),
        ("not UTF-8 text at byte 8", "从第 8 字节起不是 UTF-8 文本"),
        ("not valid JSON: Expecting value at line 1 column 14", "不是有效的 JSON（第 1 行第 14 列）"),
        ("not a usable JSON file: Extra data at line 3 column 1", "不是有效的 JSON（第 3 行第 1 列）"),
        ("not valid JSON: nested too deeply", "不是有效的 JSON：嵌套过深"),
        ("not a perftui database: no _meta table", "不是 perftui 的数据库"),
        ("not a perftui database (app is 'other')", "不是 perftui 的数据库"),
        ("unknown schema 'x'", "未知的格式版本 'x'"),
        # A detail of the inner structure is kept as it is, after words that say what it is.
        ("table 'forms' holds id 'f1' twice", "数据结构不符：table 'forms' holds id 'f1' twice"),
    ],
)
def test_what_is_wrong_with_a_file_is_said_in_chinese(reason, said):
    assert damage_text(reason) == said


def test_a_file_in_a_missing_folder_says_so_and_claims_no_file_kept(tmp_path):
    missing = tmp_path / "nodir" / "x.txt"
    message = describe(storage.StorageWriteError(str(missing), FileNotFoundError(errno.ENOENT, "No such file or directory")))
    assert "所在目录不存在" in message and "原文件" not in message and "No such file" not in message
