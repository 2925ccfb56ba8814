"""Settings come from one declared list of environment variables (config/env.py): nothing reads
a variable that is not declared, `.env.example` lists every one, bad values are named."""

from __future__ import annotations

import ast
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from config import env
from config.settings import database_from_url

ROOT = Path(__file__).resolve().parent.parent
READERS = {"text", "integer", "number", "boolean", "names"}
# `${NAME:-default}` or `${NAME-default}` in a shell script or the Makefile.
SHELL_READ = re.compile(r"\$\{([A-Z][A-Z0-9_]*):?-")
ENV_EXAMPLE_LINE = re.compile(r"^#?\s*([A-Z][A-Z0-9_]*)=", re.MULTILINE)


def python_files() -> list[Path]:
    files = [ROOT / "manage.py"]
    for folder in ("config", "timeline", "tests", "bench"):
        files += sorted((ROOT / folder).rglob("*.py"))
    files += [path for path in sorted((ROOT / "bin").iterdir()) if is_python_script(path)]
    return files


def is_python_script(path: Path) -> bool:
    return path.is_file() and path.read_text(errors="replace").startswith("#!/usr/bin/env python")


def is_environ(node: ast.expr) -> bool:
    """`os.environ` or a bare `environ`."""
    if isinstance(node, ast.Attribute):
        return node.attr == "environ" and isinstance(node.value, ast.Name)
    return isinstance(node, ast.Name) and node.id == "environ"


def environment_reads(tree: ast.AST) -> list[tuple[int, str | None, str]]:
    """(line, variable name or None when computed, how) for every read of the environment."""
    reads = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            func = node.func
            if func.attr in ("get", "setdefault", "pop") and is_environ(func.value):
                how = f"os.environ.{func.attr}"
            elif func.attr == "getenv":
                how = "os.getenv"
            elif (
                func.attr in READERS and isinstance(func.value, ast.Name) and func.value.id == "env"
            ):
                how = f"env.{func.attr}"
            else:
                continue
            first = node.args[0] if node.args else None
            name = first.value if isinstance(first, ast.Constant) else None
            reads.append((node.lineno, name, how))
        elif isinstance(node, ast.Subscript) and is_environ(node.value):
            if isinstance(node.ctx, ast.Load):
                key = node.slice
                reads.append(
                    (node.lineno, key.value if isinstance(key, ast.Constant) else None, "[]")
                )
        elif isinstance(node, ast.Compare) and any(is_environ(c) for c in node.comparators):
            left = node.left
            reads.append(
                (node.lineno, left.value if isinstance(left, ast.Constant) else None, "in")
            )
    return reads


def test_every_variable_a_module_reads_is_declared():
    undeclared = []
    for path in python_files():
        if path in (ROOT / "config" / "env.py", Path(__file__)):
            continue  # the reader itself (os.environ.get(name)), and this test of it
        for line, name, how in environment_reads(ast.parse(path.read_text(), str(path))):
            where = f"{path.relative_to(ROOT)}:{line} ({how})"
            if name is None:
                undeclared.append(f"{where}: a computed name")
            elif name not in env.DECLARED:
                undeclared.append(f"{where}: {name}")
    assert not undeclared, "declare these in config/env.py:\n" + "\n".join(undeclared)


def test_every_variable_a_script_reads_is_declared():
    scripts = [ROOT / "Makefile", ROOT / "Dockerfile"]
    scripts += [p for p in sorted((ROOT / "bin").iterdir()) if not is_python_script(p)]
    undeclared = {
        f"{path.relative_to(ROOT)}: {name}"
        for path in scripts
        if path.is_file()
        for name in SHELL_READ.findall(path.read_text(errors="replace"))
        if name not in env.DECLARED
    }
    assert not undeclared, "declare these in config/env.py:\n" + "\n".join(sorted(undeclared))


def test_the_application_reads_the_environment_only_through_config_env():
    direct = []
    for folder in ("config", "timeline"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            if path == ROOT / "config" / "env.py":
                continue
            for line, _name, how in environment_reads(ast.parse(path.read_text())):
                # setdefault only puts a default in place before settings load (wsgi, asgi,
                # settings_test); everything else reads through config.env.
                if how in ("os.environ.get", "os.environ.pop", "os.getenv", "[]", "in"):
                    direct.append(f"{path.relative_to(ROOT)}:{line} ({how})")
    assert not direct, "read these through config.env:\n" + "\n".join(direct)


def test_the_scanner_finds_every_way_of_reading():
    source = (
        'import os\nos.environ.get("A")\nos.environ["B"]\nos.getenv("C")\n'
        'env.integer("D")\n"E" in os.environ\nos.environ.get(name)\nos.environ["F"] = "1"\n'
    )
    names = [name for _line, name, _how in environment_reads(ast.parse(source))]
    assert sorted(names, key=str) == ["A", "B", "C", "D", "E", None]


def test_env_example_lists_every_declared_variable_and_nothing_else():
    listed = ENV_EXAMPLE_LINE.findall((ROOT / ".env.example").read_text())
    missing = sorted(set(env.DECLARED) - set(listed))
    unknown = sorted(set(listed) - set(env.DECLARED))
    assert not missing, f".env.example misses {missing}"
    assert not unknown, f".env.example lists undeclared {unknown}"
    assert len(listed) == len(set(listed)), "a variable is listed twice"


def test_every_declaration_says_what_it_means():
    for variable in env.VARIABLES:
        assert re.fullmatch(r"[A-Z][A-Z0-9_]*", variable.name), variable
        assert variable.kind in (str, int, float, bool, list), variable
        assert variable.meaning.strip().endswith("."), variable
        assert variable.reader in (env.APP, env.SERVE, env.TESTS, env.CHECKS, env.BENCH)
    assert len(env.DECLARED) == len(env.VARIABLES), "a variable is declared twice"


def test_declared_defaults_parse_as_their_type(monkeypatch):
    for variable in env.VARIABLES:
        monkeypatch.delenv(variable.name, raising=False)
        if variable.kind is int:
            assert isinstance(env.integer(variable.name), int)
        elif variable.kind is float:
            assert isinstance(env.number(variable.name), float)
        elif variable.kind is bool:
            assert env.boolean(variable.name, default=True) in (True, False)
        elif variable.kind is list:
            assert isinstance(env.names(variable.name), list)
        else:
            assert isinstance(env.text(variable.name), str)


def test_an_undeclared_or_mistyped_read_is_refused(monkeypatch):
    with pytest.raises(ImproperlyConfigured, match="NOT_A_SETTING is not declared"):
        env.text("NOT_A_SETTING")
    with pytest.raises(ImproperlyConfigured, match="PROXY_COUNT is declared as int"):
        env.text("PROXY_COUNT")


@pytest.mark.parametrize(
    ("name", "value", "reader", "message"),
    [
        ("PROXY_COUNT", "two", env.integer, "PROXY_COUNT must be a whole number, not 'two'"),
        ("AXES_COOLOFF_HOURS", "1h", env.number, "AXES_COOLOFF_HOURS must be a number"),
        ("WARM_COUNTS", "sometimes", env.boolean, "WARM_COUNTS must be true or false"),
    ],
)
def test_a_bad_value_is_named(monkeypatch, name, value, reader, message):
    monkeypatch.setenv(name, value)
    with pytest.raises(ImproperlyConfigured, match=message):
        reader(name)


@pytest.mark.parametrize(
    ("value", "expected"),
    [("true", True), ("YES", True), (" on ", True), ("1", True), ("false", False), ("0", False)],
)
def test_booleans(monkeypatch, value, expected):
    monkeypatch.setenv("WARM_COUNTS", value)
    assert env.boolean("WARM_COUNTS") is expected


def test_blank_means_the_default(monkeypatch):
    monkeypatch.setenv("PAGE_CACHE_SECONDS", "  ")
    assert env.integer("PAGE_CACHE_SECONDS") == 300
    monkeypatch.setenv("HTTPS", "")
    assert env.boolean("HTTPS", default=False) is False
    monkeypatch.setenv("ALLOWED_HOSTS", " a.example , ,b.example")
    assert env.names("ALLOWED_HOSTS") == ["a.example", "b.example"]


def settings_in_a_process(**variables: str) -> subprocess.CompletedProcess:
    """Load config.settings in a fresh interpreter with exactly these variables (plus PATH)."""
    environment = {"PATH": os.environ.get("PATH", ""), **variables}
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import json, config.settings as s; print(json.dumps({'debug': s.DEBUG, "
            "'https': s.HTTPS, 'proxies': s.PROXY_COUNT, 'hosts': s.ALLOWED_HOSTS, "
            "'redis': s.CACHES['default']['BACKEND'], 'admin': s.ADMIN_URL, "
            "'timeout': s.DB_STATEMENT_TIMEOUT_MS, 'engine': s.DATABASES['default']['ENGINE']}))",
        ],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_settings_load_from_the_declared_defaults():
    result = settings_in_a_process(SECRET_KEY="a-key-for-this-test")
    assert result.returncode == 0, result.stderr[-1500:]
    loaded = json.loads(result.stdout)
    assert loaded == {
        "debug": False,
        "https": True,  # on unless DEBUG
        "proxies": 0,
        "hosts": ["localhost", "127.0.0.1", "[::1]"],
        "redis": "django.core.cache.backends.locmem.LocMemCache",
        "admin": "admin/",
        "timeout": 5000,
        "engine": "django.db.backends.sqlite3",
    }


def test_settings_refuse_a_bad_value_naming_it():
    result = settings_in_a_process(SECRET_KEY="a-key-for-this-test", PROXY_COUNT="many")
    assert result.returncode != 0
    assert "PROXY_COUNT must be a whole number, not 'many'" in result.stderr


def test_settings_still_require_a_secret_key_unless_debug():
    refused = settings_in_a_process()
    assert refused.returncode != 0 and "SECRET_KEY is not set" in refused.stderr
    assert settings_in_a_process(DEBUG="true").returncode == 0


def test_sqlite_urls_get_wal_immediate_and_a_timeout(tmp_path):
    config = database_from_url(f"sqlite:///{tmp_path / 'x.sqlite3'}")
    assert "journal_mode=WAL" in config["OPTIONS"]["init_command"]
    assert config["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert config["OPTIONS"]["timeout"] == 20
    postgres = database_from_url("postgres://u:p@db.example:5432/timeline")
    assert postgres["CONN_HEALTH_CHECKS"] is True
    assert postgres["OPTIONS"]["connect_timeout"] == env.integer("DB_CONNECT_TIMEOUT")
