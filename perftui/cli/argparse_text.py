"""argparse's own words (usage, help headings, its error messages) in the operator's language.

argparse looks its texts up with ``gettext`` as it builds them (``usage:``,
``the following arguments are required: %s``), so a Chinese UI printed them in
English. :func:`install` gives argparse a lookup through our catalog: each of
its messages maps to a Chinese source string, which the English catalog turns
back into argparse's own English. Messages argparse adds in a later Python
and that are not listed here stay in English rather than break.
"""

from __future__ import annotations

import argparse

from perftui.i18n import N_, current_locale, gettext as _

#: argparse's message -> ours. Programming errors (conflicting options...) are not listed: no operator sees them.
MESSAGES = {
    "usage: ": N_("用法："),
    "options": N_("选项"),
    "positional arguments": N_("位置参数"),
    "subcommands": N_("子命令"),
    "%(heading)s:": N_("%(heading)s："),
    "show this help message and exit": N_("显示这段帮助并退出"),
    "show program's version number and exit": N_("显示版本号并退出"),
    " (default: %(default)s)": N_("（默认：%(default)s）"),
    "%(prog)s: error: %(message)s\n": N_("%(prog)s：错误：%(message)s\n"),
    "%(prog)s: warning: %(message)s\n": N_("%(prog)s：提醒：%(message)s\n"),
    "argument %(argument_name)s: %(message)s": N_("参数 %(argument_name)s：%(message)s"),
    "the following arguments are required: %s": N_("缺少参数：%s"),
    "unrecognized arguments: %s": N_("不认识的参数：%s"),
    "invalid choice: %(value)r (choose from %(choices)s)": N_("无效的选项：%(value)r（可选：%(choices)s）"),
    "invalid %(type)s value: %(value)r": N_("无效的 %(type)s 值：%(value)r"),
    "expected one argument": N_("需要一个值"),
    "expected at least one argument": N_("至少需要一个值"),
    "expected at most one argument": N_("最多一个值"),
    "ambiguous option: %(option)s could match %(matches)s": N_("选项 %(option)s 有歧义，可能是 %(matches)s"),
    "not allowed with argument %s": N_("不能与参数 %s 同时使用"),
    "one of the arguments %s is required": N_("需要参数 %s 之一"),
    "ignored explicit argument %r": N_("多余的值 %r"),
    "can't open '%(filename)s': %(error)s": N_("无法打开“%(filename)s”：%(error)s"),
}
#: argparse's plural messages -> ours (Chinese has one form; English keeps argparse's own).
PLURALS = {
    "expected %s argument": N_("需要 %s 个值"),
}

_original_gettext = argparse._
_original_ngettext = argparse.ngettext


def _gettext(message: str) -> str:
    ours = MESSAGES.get(message)
    return _(ours) if ours is not None else _original_gettext(message)


def _ngettext(singular: str, plural: str, n: int) -> str:
    ours = PLURALS.get(singular)
    if ours is None or current_locale() != "zh_CN":
        return _original_ngettext(singular, plural, n)
    return ours


def install() -> None:
    """From now on argparse speaks the UI language (set before the parser is built)."""
    argparse._ = _gettext  # type: ignore[attr-defined]
    argparse.ngettext = _ngettext  # type: ignore[attr-defined]
