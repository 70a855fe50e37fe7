"""The CLI on a PostgreSQL database: setting it up, moving a file's forms over losslessly, and the same answers."""

from __future__ import annotations

import os
from decimal import Decimal

import pytest

from perftui.cli import EXIT_ERROR, EXIT_OK, EXIT_USAGE, main
from perftui.config import Actor
from perftui.core.model import Funding
from perftui.services.repository import SPEC, Repository

pytest.importorskip("psycopg")


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def json_db(db_path, seed_forms):
    """A JSON database with a history worth moving: imports, saves, a deletion, a revert."""
    repository = Repository.open(db_path)
    repository.actor = Actor("alice", "10.0.0.5")
    repository.import_forms(seed_forms)
    first, second, third = repository.forms()[:3]
    saved = repository.save(first.evolve(annual_funding=Funding(Decimal("80.00"), Decimal("80.00"))))
    repository.save(saved.evolve(annual_goal="年度目标（修订）"))
    repository.delete(second)
    repository.revert(repository.get(first.id), 2)
    repository.actor = Actor("bob")
    repository.save(third.evolve(annual_funding=Funding(Decimal("153.5184"), Decimal("153.5184"))))
    return db_path


def test_db_init_sets_up_once_and_says_so(capsys, pg_url):
    code, out, err = run(capsys, "--db", pg_url, "db", "init")
    assert code == EXIT_OK and err == "" and out.startswith("已在 ") and f"建立 perftui 的表（格式 {SPEC.version}）" in out
    code, out, _ = run(capsys, "--db", pg_url, "db", "init")
    assert code == EXIT_OK and "未作修改" in out
    code, out, _ = run(capsys, "--db", pg_url, "db", "upgrade")
    assert code == EXIT_OK and f"已是格式 {SPEC.version}，未作修改" in out


def test_a_database_not_set_up_is_one_line_naming_db_init(capsys, pg_url):
    code, out, err = run(capsys, "--db", pg_url, "list")
    assert code == EXIT_ERROR and out == ""
    assert err.count("\n") == 1 and "perftui db init" in err


def test_db_commands_want_a_url_not_a_file(capsys, db_path):
    code, _, err = run(capsys, "--db", db_path, "db", "init")
    assert code == EXIT_USAGE and "postgresql://" in err and not db_path.exists()


def test_migrate_copies_everything_and_both_databases_give_the_same_answers(capsys, json_db, pg_url, tmp_path):
    code, out, err = run(capsys, "db", "migrate", "--from", json_db, "--to", pg_url)
    assert code == EXIT_OK and err == ""
    assert "8 张表" in out and "0 项已在" in out

    source, target = Repository.open(json_db, read_only=True), Repository.open(pg_url, read_only=True)
    # Ids, revisions, stamps and every field, deleted forms and the history included.
    assert target.forms() == source.forms()
    assert target.deleted_forms() == source.deleted_forms() and len(target.deleted_forms()) == 1
    assert target.history() == source.history() and len(target.history()) == 13

    outputs = {}
    for name, db in (("json", json_db), ("postgresql", pg_url)):
        exported = tmp_path / f"{name}.json"
        assert run(capsys, "--db", db, "export", "form", "--all", "--format", "json", "-o", exported)[0] == EXIT_OK
        answers = [exported.read_bytes()]
        for command in (["total"], ["total", "--by", "实施单位"], ["list"], ["history"], ["deleted"], ["check"]):
            code, out, err = run(capsys, "--db", db, *command)
            answers.append((code, out, err))
        outputs[name] = answers
    assert outputs["postgresql"] == outputs["json"]
    fiscal = sum(form.annual_funding.fiscal or 0 for form in source.forms())
    assert fiscal == Decimal("2959.8984")  # 153.5184 kept as written
    assert "2,959.8984" in outputs["postgresql"][1][1]  # summed exactly by the server

    # A second run changes nothing.
    with __import__("psycopg").connect(pg_url) as conn:
        change = conn.execute("SELECT change FROM perftui.meta").fetchone()
    code, out, _ = run(capsys, "db", "migrate", "--from", json_db, "--to", pg_url)
    assert code == EXIT_OK and "0 张表、0 条其他记录" in out
    with __import__("psycopg").connect(pg_url) as conn:
        assert conn.execute("SELECT change FROM perftui.meta").fetchone() == change


def test_migrate_never_overwrites_what_changed_in_the_target(capsys, json_db, pg_url):
    assert run(capsys, "db", "migrate", "--from", json_db, "--to", pg_url)[0] == EXIT_OK
    target = Repository.open(pg_url)
    form = target.forms()[0]
    target.save(form.evolve(annual_goal="在服务器上改的"))
    before = Repository.open(pg_url).forms()
    code, out, err = run(capsys, "db", "migrate", "--from", json_db, "--to", pg_url)
    assert code == EXIT_ERROR and out == "" and "未复制任何内容" in err and err.count("\n") == 1
    assert Repository.open(pg_url).forms() == before


def test_everyday_commands_on_the_server(capsys, pg_db, seed_path):
    code, out, _ = run(capsys, "--db", pg_db, "import", seed_path)
    assert code == EXIT_OK and out.splitlines()[-1] == "导入 8 张表，66 条指标（新增 8，更新 0，无变化 0）"
    code, out, _ = run(capsys, "--db", pg_db, "total")
    assert out.splitlines()[2].split() == ["2024", "8", "3,127.56", "0.00", "3,127.56"]
    code, out, _ = run(capsys, "--db", pg_db, "import", seed_path)
    assert out.splitlines()[-1] == "导入 8 张表，66 条指标（新增 0，更新 0，无变化 8）"
    code, out, _ = run(capsys, "--db", pg_db, "show", "劳务派遣")
    assert code == EXIT_OK and "研究院劳务派遣人员经费" in out


def test_backups_and_restore_point_to_pg_dump(capsys, pg_db):
    for command in (["backups"], ["restore", "1", "--yes"]):
        code, out, err = run(capsys, "--db", pg_db, *command)
        assert code == EXIT_USAGE and out == ""
        assert "pg_dump" in err and err.count("\n") == 1


def test_a_url_is_never_a_path(capsys, pg_db, tmp_path, monkeypatch, seed_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PERFTUI_DB", pg_db)
    assert run(capsys, "import", seed_path)[0] == EXIT_OK
    monkeypatch.delenv("PERFTUI_DB")
    config = tmp_path / "config.toml"
    config.write_text(f'[database]\nurl = "{pg_db}"\n', encoding="utf-8")
    monkeypatch.setenv("PERFTUI_CONFIG", str(config))
    code, out, _ = run(capsys, "total")
    assert code == EXIT_OK and "3,127.56" in out
    assert sorted(os.listdir(tmp_path)) == ["config.toml"]  # no "postgresql:" folder, no backups


def test_a_config_database_that_is_not_a_url_is_one_line(capsys, tmp_path, monkeypatch):
    monkeypatch.delenv("PERFTUI_DB")
    config = tmp_path / "config.toml"
    config.write_text('[database]\nurl = "/srv/forms.json"\n', encoding="utf-8")
    monkeypatch.setenv("PERFTUI_CONFIG", str(config))
    code, out, err = run(capsys, "list")
    assert code == EXIT_ERROR and "postgresql://" in err and err.count("\n") == 1


def test_read_only_on_the_server(capsys, pg_db, seed_path):
    code, _, err = run(capsys, "--db", pg_db, "--read-only", "import", seed_path)
    assert code == EXIT_ERROR and "只读" in err
    code, out, _ = run(capsys, "--db", pg_db, "list")
    assert code == EXIT_OK and "没有表" in out


def test_a_password_never_shows(capsys, tmp_path):
    url = f"postgresql://clerk:s3cret@/budget?host={tmp_path}&connect_timeout=2"
    code, out, err = run(capsys, "--db", url, "list")
    assert code == EXIT_ERROR and "s3cret" not in err and "clerk:***@" in err and "无法连接数据库" in err


def readme_accounts() -> str:
    """The README's GRANTs for operators and lookup accounts, as written there."""
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    start = readme.index("-- perftui accounts")
    return readme[start : readme.index("```", start)]


def test_the_readme_accounts_work(capsys, pg_db, seed_path):
    import psycopg

    suffix = psycopg.conninfo.conninfo_to_dict(pg_db)["dbname"]
    sql = readme_accounts().replace("clerk", f"clerk_{suffix}").replace("auditor", f"auditor_{suffix}")
    with psycopg.connect(pg_db, autocommit=True) as conn:
        for statement in filter(str.strip, sql.split(";")):
            conn.execute(statement)
    clerk = pg_db.replace("://postgres@", f"://clerk_{suffix}@")
    auditor = pg_db.replace("://postgres@", f"://auditor_{suffix}@")
    try:
        assert run(capsys, "--db", clerk, "import", seed_path)[0] == EXIT_OK
        repository = Repository.open(clerk)
        form = repository.lookup("劳务派遣")[0]
        repository.delete(repository.save(form.evolve(annual_goal="改过")))
        assert run(capsys, "--db", auditor, "total")[1].splitlines()[2].split()[:3] == ["2024", "7", "3,029.56"]
        code, out, err = run(capsys, "--db", auditor, "undelete", "劳务派遣")
        assert code == EXIT_ERROR and "只允许这个账户查询" in err and err.count("\n") == 1
        looking = Repository.open(auditor)
        assert len(looking.forms()) == 7 and looking.read_only  # known once it has connected
    finally:
        with psycopg.connect(pg_db, autocommit=True) as conn:
            for role in (f"clerk_{suffix}", f"auditor_{suffix}"):
                conn.execute(f'DROP OWNED BY "{role}"')
                conn.execute(f'DROP ROLE "{role}"')


def test_list_and_total_come_from_the_servers_columns_and_print_what_the_file_prints(capsys, tmp_path, pg_url, monkeypatch):
    """Forms of several years, some incomplete or with warnings: the server's answers, no form read, equal the file's."""
    from benchmarks.synth import synthetic_forms
    from tests.tui.helpers import INCOMPLETE

    forms = synthetic_forms(60)
    forms[7] = forms[7].evolve(annual_funding=Funding(None, None, None))  # 待填 amounts: an error
    forms[8] = forms[8].evolve(indicators=forms[8].indicators[:1])  # too few rows
    json_db = tmp_path / "forms.json"
    Repository.open(json_db).import_forms([*forms, INCOMPLETE], keep_ids=True)
    assert run(capsys, "db", "migrate", "--from", json_db, "--to", pg_url)[0] == EXIT_OK
    commands = (["list"], ["list", "--year", "2022"], ["list", "--year", "1999"], ["total"], ["total", "--by", "unit"],
                ["total", "--year", "2024", "--by", "主管部门"])
    expected = [run(capsys, "--db", json_db, *command) for command in commands]
    assert "不完整" in expected[0][1] and "2022" in expected[1][1]

    def no_forms(self):  # every form read: what a list from the server's columns never does
        raise AssertionError("the forms were read")

    monkeypatch.setattr(Repository, "_load", no_forms)
    assert [run(capsys, "--db", pg_url, *command) for command in commands] == expected


def test_db_upgrade_from_the_previous_version_counts_every_forms_status(capsys, pg_url, seed_forms):
    """A database set up before the status columns: refused with the command to run, which counts them all."""
    import dataclasses

    import storage
    from storage.postgres import init_database
    from tests.tui.helpers import INCOMPLETE

    added = {"updated_at", "updated_by", "errors", "warnings", "search"}
    tables = tuple(
        dataclasses.replace(t, columns=tuple(c for c in t.columns if c.name not in added)) for t in SPEC.tables
    )
    init_database(pg_url, storage.StoreSpec(SPEC.app, tables, version=2))  # as perftui set it up before
    with storage.open_store(pg_url, storage.StoreSpec(SPEC.app, tables, version=2)) as store, store.transaction() as tx:
        for form in [*seed_forms, INCOMPLETE]:
            tx.insert("forms", form.to_doc(), revision=1)
    code, out, err = run(capsys, "--db", pg_url, "list")
    assert code == EXIT_ERROR and "perftui db upgrade" in err
    code, out, err = run(capsys, "--db", pg_url, "db", "upgrade")
    assert code == EXIT_OK and err == ""
    code, out, _ = run(capsys, "--db", pg_url, "list")
    assert code == EXIT_OK and "不完整（3个错误）" in out and out.count("完整") == 9
