"""The English catalog ships with the package and really loads."""

import gettext
import subprocess
import sys
from pathlib import Path

from perftui import i18n

ROOT = Path(__file__).resolve().parent.parent


def test_english_catalog_loads_and_is_not_null_translations():
    translations = i18n.load_translations("en")
    assert isinstance(translations, gettext.GNUTranslations)
    assert translations.gettext("项目名称") == "Project name"


def test_set_locale_switches_messages():
    i18n.set_locale("en_US.UTF-8")
    assert i18n.gettext("年度金额未填写") == "Annual amount is empty"
    assert i18n.current_locale() == "en"
    i18n.set_locale("zh_CN")
    assert i18n.gettext("年度金额未填写") == "年度金额未填写"


def test_locale_names_are_normalised():
    assert i18n.normalize_locale("en-GB") == "en"
    assert i18n.normalize_locale("zh_CN.UTF-8") == "zh_CN"
    assert i18n.normalize_locale(None) == "zh_CN"


def test_catalog_is_complete_and_compiled():
    """Every message in the code is translated and the shipped .mo matches the .po."""
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "catalog.py"), "check"], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout


def test_a_translation_with_other_placeholders_is_caught():
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import catalog
    finally:
        sys.path.pop(0)
    from babel.messages.catalog import Message

    assert catalog.same_fields(Message("共 {n} 张表", "{n} forms"))
    assert not catalog.same_fields(Message("共 {n} 张表", "{count} forms"))
    assert not catalog.same_fields(Message(("{n}个", "{n}个"), ("{n} item", "items")))


def _catalog_module():
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import catalog
    finally:
        sys.path.pop(0)
    return catalog


def test_a_compiled_catalog_is_compared_by_its_messages_not_its_header(tmp_path, monkeypatch):
    """A .mo compiled by another Babel (another Generated-By) is still current; a changed message is not."""
    import babel.messages.catalog

    catalog = _catalog_module()
    po = ROOT / "perftui" / "locale" / "en" / "LC_MESSAGES" / "perftui.po"
    fresh = catalog.mo_bytes(po)
    monkeypatch.setattr(babel.messages.catalog, "VERSION", "99.9")
    other_babel = catalog.mo_bytes(po)
    assert b"Babel 99.9" in other_babel and other_babel != fresh
    mo = tmp_path / "perftui.mo"
    mo.write_bytes(other_babel)
    assert catalog.is_current(mo, po)

    text = po.read_text(encoding="utf-8").replace('msgstr "Project name"', 'msgstr "Project title"', 1)
    changed_po = tmp_path / "perftui.po"
    changed_po.write_text(text, encoding="utf-8")
    assert not catalog.is_current(mo, changed_po)
