"""Every environment variable the project reads, declared once: name, type, default, meaning.

Settings read them through the typed readers below (`text`, `integer`, `number`, `boolean`,
`names`), which refuse a name that is not declared and a value that does not parse, naming the
variable. The scripts, tests and benchmarks read their own variables directly; they are declared
here too, so that `.env.example` can list every one of them. tests/test_settings_env.py fails
when any module reads a variable that is not declared here, or when `.env.example` misses one.

A blank value counts as unset: `DEBUG=` in a .env file means the default.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured

# Who reads a variable: the application's settings, bin/serve (gunicorn), the test suite, the
# check scripts in bin/, the benchmarks in bench/.
APP, SERVE, TESTS, CHECKS, BENCH = "app", "serve", "tests", "checks", "bench"
TRUE = frozenset({"1", "true", "yes", "on"})
FALSE = frozenset({"0", "false", "no", "off"})


@dataclass(frozen=True)
class Variable:
    name: str
    kind: type  # str, int, float, bool or list (comma-separated names)
    default: str  # as it would be written in the environment; "" is unset
    meaning: str
    reader: str = APP


VARIABLES: tuple[Variable, ...] = (
    # -- The application (config/settings.py) ---------------------------------------------
    Variable("DEBUG", bool, "false", "Development mode: tracebacks, a throwaway SECRET_KEY."),
    Variable("SECRET_KEY", str, "", "Signing key; required unless DEBUG is on."),
    Variable("ALLOWED_HOSTS", list, "localhost,127.0.0.1,[::1]", "Host names served."),
    Variable("CSRF_TRUSTED_ORIGINS", list, "", "Origins (scheme://host[:port]) trusted for CSRF."),
    Variable(
        "DATABASE_URL",
        str,
        "",
        "postgres://… or sqlite:///path; unset: SQLite db.sqlite3 in the project root.",
    ),
    Variable("DATABASE_REPLICA_URL", str, "", "A read replica for the public reads; unset: none."),
    Variable("CONN_MAX_AGE", int, "60", "Seconds a PostgreSQL connection is reused."),
    Variable("DB_CONNECT_TIMEOUT", int, "3", "Seconds to wait for PostgreSQL to connect."),
    Variable(
        "DB_STATEMENT_TIMEOUT_MS",
        int,
        "5000",
        "Milliseconds a web request's query may run (0: unbounded; commands are unbounded).",
    ),
    Variable("SQLITE_TEST_NAME", str, "", "File of the SQLite test database; unset: in memory."),
    Variable("AXES_FAILURE_LIMIT", int, "5", "Failed sign-ins before a lockout."),
    Variable("AXES_COOLOFF_HOURS", float, "1", "Hours a lockout lasts."),
    Variable(
        "PROXY_COUNT",
        int,
        "0",
        "Trusted proxies in front of the app (0: the socket's address is the client's).",
    ),
    Variable(
        "HTTPS",
        bool,
        "",
        "Secure cookies, HSTS, redirect to https; unset: on unless DEBUG.",
    ),
    Variable(
        "SECURE_PROXY_SSL_HEADER_NAME",
        str,
        "",
        "Header carrying the original scheme behind a TLS proxy; unset with HTTPS: "
        "HTTP_X_FORWARDED_PROTO.",
    ),
    Variable("ADMIN_URL", str, "admin/", "Where the admin lives."),
    Variable("STAFF_IDLE_SECONDS", int, "1800", "Idle seconds after which a staff session ends."),
    Variable("LOG_LEVEL", str, "INFO", "Level of the root logger."),
    Variable("LOG_JSON", bool, "", "JSON log lines on stdout; unset: on unless DEBUG."),
    Variable(
        "STATIC_MANIFEST",
        bool,
        "",
        "Hashed static file names (needs collectstatic); unset: on unless DEBUG.",
    ),
    Variable(
        "API_ANON_RATE", str, "600/m", "Anonymous API requests per client: N/s, N/m, N/h, N/d."
    ),
    Variable("EXPORT_SLOTS", int, "1", "Exports built at once across all web processes."),
    Variable(
        "EXPORT_HOLD_SECONDS", int, "300", "Seconds after which a dead export's slot is free."
    ),
    Variable("EXPORT_CACHE_DIR", str, "", "Directory of built exports; unset: var/exports."),
    Variable("REDIS_URL", str, "", "Redis for caches and rate limits; unset: memory and database."),
    Variable(
        "PAGE_CACHE_SECONDS",
        int,
        "300",
        "Seconds an anonymous page or API answer is cached (0: off).",
    ),
    Variable(
        "COUNTS_DEFER_ABOVE",
        int,
        "20000",
        "Above this many events, a page's uncached counts are fetched after the page.",
    ),
    Variable(
        "WARM_COUNTS", bool, "true", "Count the timeline's facets after each editorial change."
    ),
    Variable(
        "BENCH_QUERY_COUNT",
        bool,
        "false",
        "Benchmarks: report each request's query count in X-Query-Count.",
    ),
    Variable(
        "DJANGO_SETTINGS_MODULE",
        str,
        "config.settings",
        "Django's settings module (the tests use config.settings_test).",
    ),
    # -- bin/serve (the production server, gunicorn) -------------------------------------------
    Variable("BIND", str, "0.0.0.0:8000", "Address gunicorn listens on.", SERVE),
    Variable("WEB_CONCURRENCY", int, "2", "gunicorn worker processes.", SERVE),
    Variable(
        "GUNICORN_TIMEOUT", int, "30", "Seconds before gunicorn restarts a stuck worker.", SERVE
    ),
    Variable("PYTHON", str, "", "Python to run; unset: .venv/bin/python, else python.", SERVE),
    # -- The test suite --------------------------------------------------------------------------
    Variable(
        "TEST_DATABASE_URL",
        str,
        "postgres://postgres@127.0.0.1:5432/postgres",
        "PostgreSQL for make test's second run.",
        TESTS,
    ),
    Variable(
        "TEST_REDIS_URL", str, "redis://127.0.0.1:6379/5", "Redis the freshness test uses.", TESTS
    ),
    Variable("CI", bool, "false", "true: make test fails when PostgreSQL is unreachable.", TESTS),
    Variable(
        "HYPOTHESIS_EXAMPLES",
        int,
        "300",
        "Examples per property test; set: also randomised.",
        TESTS,
    ),
    Variable("SCHEMATHESIS_EXAMPLES", int, "30", "Generated requests per API operation.", TESTS),
    Variable(
        "SHARED_SEEDS_DIR",
        str,
        "",
        "Seed articles of the ingest tests' optional check; unset: beside the repository.",
        TESTS,
    ),
    Variable(
        "PROBE_SQLITE_FILE", str, "", "SQLite file of the import-batches probe process.", TESTS
    ),
    Variable(
        "DJANGO_ALLOW_ASYNC_UNSAFE",
        bool,
        "",
        "Set by the browser tests (Playwright runs an event loop).",
        TESTS,
    ),
    # -- Checks in bin/ ----------------------------------------------------------------------------
    Variable("SERVE_CHECK_PORT", int, "8799", "Port bin/serve-check serves on.", CHECKS),
    Variable(
        "SERVE_CHECK_DATABASE_ADMIN_URL",
        str,
        "postgres://postgres@127.0.0.1:5432/postgres",
        "PostgreSQL where bin/serve-check creates its database.",
        CHECKS,
    ),
    Variable("FAULT_CHECK_PORT", int, "8798", "Port bin/fault-check serves on.", CHECKS),
    Variable("COMPOSE_CHECK_PORT", int, "8798", "Port bin/compose-check serves on.", CHECKS),
    Variable(
        "COMPOSE_CHECK_PG_URL",
        str,
        "postgres://postgres@127.0.0.1:5432/postgres",
        "PostgreSQL standing in for compose's db service.",
        CHECKS,
    ),
    Variable(
        "COMPOSE_CHECK_REDIS_URL",
        str,
        "redis://127.0.0.1:6379",
        "Redis standing in for compose's cache service.",
        CHECKS,
    ),
    # -- Benchmarks (make bench) -----------------------------------------------------------------
    Variable(
        "BENCH_PG_URL",
        str,
        "postgres://postgres@127.0.0.1:5432/postgres",
        "PostgreSQL where the benchmarks create their bench_* databases.",
        BENCH,
    ),
    Variable(
        "BENCH_REDIS_URL", str, "redis://127.0.0.1:6379/8", "Redis the benchmarks use.", BENCH
    ),
)
DECLARED: dict[str, Variable] = {variable.name: variable for variable in VARIABLES}


def declared(name: str, *, kind: type) -> Variable:
    variable = DECLARED.get(name)
    if variable is None:
        raise ImproperlyConfigured(f"{name} is not declared in config/env.py.")
    if variable.kind is not kind:
        raise ImproperlyConfigured(f"{name} is declared as {variable.kind.__name__}.")
    return variable


def raw(name: str, *, kind: type) -> str:
    """The variable's text, or its declared default when unset or blank."""
    variable = declared(name, kind=kind)
    value = os.environ.get(name, "").strip()
    return value or variable.default


def text(name: str) -> str:
    return raw(name, kind=str)


def integer(name: str) -> int:
    value = raw(name, kind=int)
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None


def number(name: str) -> float:
    value = raw(name, kind=float)
    try:
        return float(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a number, not {value!r}.") from None


def boolean(name: str, *, default: bool | None = None) -> bool:
    """true/false, yes/no, on/off, 1/0; `default` for a variable whose default depends on
    another setting (HTTPS: on unless DEBUG)."""
    value = raw(name, kind=bool).lower()
    if not value:
        if default is None:
            raise ImproperlyConfigured(f"{name} has no declared default; the caller gives one.")
        return default
    if value in TRUE:
        return True
    if value in FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}.")


def names(name: str) -> list[str]:
    """A comma-separated list."""
    return [item.strip() for item in raw(name, kind=list).split(",") if item.strip()]
