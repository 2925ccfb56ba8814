"""Settings for the Korean Peninsula diplomacy timeline.

Everything that differs between a laptop, CI and production comes from the environment, read
through config/env.py, which declares every variable (type, default, meaning); `.env.example`
lists them all. Nothing here reads files outside the project.
"""

import sys
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from config import env

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env.boolean("DEBUG")

SECRET_KEY = env.text("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set SECRET_KEY in the environment (see .env.example), "
            "or set DEBUG=true for a local development server with a throwaway key."
        )
    # Only ever used with DEBUG on, where nothing is public.
    SECRET_KEY = "dev-only-insecure-key-never-use-in-production"

ALLOWED_HOSTS = env.names("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env.names("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.forms",
    "django_htmx",
    "ninja",
    "simple_history",
    "axes",
    "timeline",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "timeline.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Django's gzip adds random padding against BREACH; pages are mostly repetitive HTML.
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The language comes from the URL (/en/…, /ko/…); the API's from its `lang` parameter.
    "django.middleware.locale.LocaleMiddleware",
    "timeline.locale.ApiLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "timeline.middleware.StaffSessionLimitsMiddleware",
    "axes.middleware.AxesMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "timeline.middleware.DatabaseUnavailableMiddleware",
    "timeline.pagecache.AnonymousPageCacheMiddleware",
    "timeline.middleware.PublicApiHeadersMiddleware",
]

ROOT_URLCONF = "config.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
                "timeline.locale.language_links",
            ],
        },
    },
]

# Widgets may use the project's templates (the admin's "When" field does).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"


# Every query is bounded, so one slow request cannot hold a worker until gunicorn kills it:
# web processes abort a statement after DB_STATEMENT_TIMEOUT_MS (PostgreSQL's
# statement_timeout; on SQLite a progress handler, see timeline.dbguard) and answer 503.
# Management commands (migrate, load_curated, seed_synthetic, imports) are not bounded.
MANAGEMENT_COMMAND = Path(sys.argv[0]).name == "manage.py" and sys.argv[1:2] != ["runserver"]
DB_STATEMENT_TIMEOUT_MS = 0 if MANAGEMENT_COMMAND else env.integer("DB_STATEMENT_TIMEOUT_MS")


def sqlite_options() -> dict:
    return {
        # WAL lets readers run beside a writer; IMMEDIATE takes the write lock at BEGIN, so two
        # writers queue on busy_timeout instead of failing mid-transaction with "database is
        # locked".
        "init_command": "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;PRAGMA foreign_keys=ON;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }


def database_from_url(url: str) -> dict:
    """One database definition from a URL; SQLite when the URL is empty."""
    if not url:
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": BASE_DIR / "db.sqlite3",
            "OPTIONS": sqlite_options(),
            "TEST": {"NAME": env.text("SQLITE_TEST_NAME") or None},
        }
    config = dj_database_url.parse(url, conn_max_age=env.integer("CONN_MAX_AGE"))
    if config["ENGINE"].endswith("sqlite3"):
        # sqlite:///path gets the same settings as the default file.
        config["OPTIONS"] = {**sqlite_options(), **config.get("OPTIONS", {})}
        config.setdefault("TEST", {})["NAME"] = env.text("SQLITE_TEST_NAME") or None
        return config
    # Persistent connections with a health check: a connection dropped by a database restart
    # is replaced at the start of the next request instead of failing it. (Django refuses
    # this together with psycopg's pool, so we use one mechanism only.)
    config["CONN_HEALTH_CHECKS"] = True
    options = config.setdefault("OPTIONS", {})
    # A database that hangs (rather than refusing) is given up on within seconds: the connect
    # timeout bounds the handshake, TCP keepalives and tcp_user_timeout bound a dead peer
    # mid-query, and statement_timeout bounds the query itself.
    timeout = env.integer("DB_CONNECT_TIMEOUT")
    options["connect_timeout"] = timeout
    options.setdefault("keepalives", 1)
    options.setdefault("keepalives_idle", 5)
    options.setdefault("keepalives_interval", 2)
    options.setdefault("keepalives_count", 2)
    options.setdefault("tcp_user_timeout", timeout * 1000)
    if DB_STATEMENT_TIMEOUT_MS:
        options["options"] = (
            options.get("options", "") + f" -c statement_timeout={DB_STATEMENT_TIMEOUT_MS}"
        ).strip()
    return config


DATABASES = {"default": database_from_url(env.text("DATABASE_URL"))}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses locked-out logins
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.integer("AXES_FAILURE_LIMIT")
AXES_COOLOFF_TIME = env.number("AXES_COOLOFF_HOURS")
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "axes_locked_out.html"
AXES_RESET_ON_SUCCESS = True
# The client's address, read one way everywhere (API rate limit, lockouts, request log): the
# number of trusted proxies in front of the app; 0 means the socket's address, and any
# X-Forwarded-For a client sends is ignored. See timeline.clientip.
PROXY_COUNT = env.integer("PROXY_COUNT")
NINJA_NUM_PROXIES = PROXY_COUNT
AXES_CLIENT_IP_CALLABLE = "timeline.clientip.client_ip"
AXES_IPWARE_PROXY_COUNT = PROXY_COUNT or None
AXES_IPWARE_PROXY_ORDER = "right-most"
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR") if PROXY_COUNT else ("REMOTE_ADDR",)
)
AXES_VERBOSE = False

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Two languages, each with its own URLs (/en/…, /ko/…; see config/urls.py). "/" and other
# unprefixed public addresses redirect to the language the browser asks for (Accept-Language),
# else English. The admin follows the editor's browser language.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("ko", "한국어")]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "language"
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Hashed, compressed names served by WhiteNoise with far-future caching; needs
    # `collectstatic` (bin/serve runs it). Development and tests use the plain storage.
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if env.boolean("STATIC_MANIFEST", default=not DEBUG)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_MAX_AGE = 60 * 60 * 24 * 365

LOG_JSON = env.boolean("LOG_JSON", default=not DEBUG)
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "config.logging.JsonFormatter"},
        "plain": {"format": "%(levelname)s %(name)s: %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "json" if LOG_JSON else "plain",
        }
    },
    "root": {"handlers": ["console"], "level": env.text("LOG_LEVEL")},
}

# -- Security -------------------------------------------------------------------------------
# HTTPS is on by default in production (DEBUG off); behind a TLS-terminating proxy set
# SECURE_PROXY_SSL_HEADER_NAME (e.g. HTTP_X_FORWARDED_PROTO) so redirects know the scheme.
HTTPS = env.boolean("HTTPS", default=not DEBUG)
if env.text("SECURE_PROXY_SSL_HEADER_NAME"):
    SECURE_PROXY_SSL_HEADER = (env.text("SECURE_PROXY_SSL_HEADER_NAME"), "https")
elif HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = HTTPS
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_HSTS_SECONDS = 63_072_000 if HTTPS else 0  # two years
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
if HTTPS:
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=(), interest-cohort=()"
)
# Moving the admin off its well-known address cuts the noise of automated login attempts.
ADMIN_URL = env.text("ADMIN_URL").strip("/") + "/"
# Staff sessions end after 30 idle minutes and after 12 hours in all.
SESSION_COOKIE_AGE = 12 * 60 * 60
STAFF_IDLE_SECONDS = env.integer("STAFF_IDLE_SECONDS")
STAFF_MAX_SESSION_SECONDS = SESSION_COOKIE_AGE

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# Anonymous API requests per client address, in django-ninja's "N/period" notation.
API_ANON_RATE = env.text("API_ANON_RATE")
# Exports built at once across every web process (one keeps the other workers for readers);
# a slot whose process died is free again after EXPORT_HOLD_SECONDS.
EXPORT_SLOTS = env.integer("EXPORT_SLOTS")
EXPORT_HOLD_SECONDS = env.integer("EXPORT_HOLD_SECONDS")
# Built exports, kept per data version and filters (see timeline.exports).
EXPORT_CACHE_DIR = env.text("EXPORT_CACHE_DIR") or str(BASE_DIR / "var" / "exports")

REDIS_URL = env.text("REDIS_URL")
# The public data version that keys every cached answer lives in the database (see
# timeline/caching.py), so every cache below is correct whatever process wrote the change.
# "default" holds cached pages, API answers and counts: Redis when REDIS_URL is set (shared by
#   every worker), otherwise each process's own memory (fast; each worker warms its own copy).
# "shared" holds what must be counted or claimed once across processes (rate-limit history,
#   "who counts this version"): the same Redis, otherwise a table in the database.
# Redis is optional at run time: while it does not answer, reads miss and writes are dropped
# (OptionalRedisCache), pages are served uncached and /readyz reports "degraded".
if REDIS_URL:
    CACHES = {
        alias: {
            "BACKEND": "timeline.caching.OptionalRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": f"timeline-{alias}" if alias != "default" else "timeline",
        }
        for alias in ("default", "shared")
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "timeline",
        },
        "shared": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "timeline_shared_cache",
        },
    }
# Seconds an anonymous page or API answer is served from the cache; any editorial change
# invalidates every cached answer at once (a version key), so this only bounds memory.
PAGE_CACHE_SECONDS = env.integer("PAGE_CACHE_SECONDS")
# Above this many events, a timeline page whose counts (total, chart, facets) are not cached yet
# is sent without them and fetches them once shown; they are counted after each change too.
COUNTS_DEFER_ABOVE = env.integer("COUNTS_DEFER_ABOVE")
# Count the unfiltered timeline's facets in the background after each editorial change.
WARM_COUNTS = env.boolean("WARM_COUNTS")

if env.boolean("BENCH_QUERY_COUNT"):
    MIDDLEWARE.insert(0, "timeline.middleware.QueryCountHeaderMiddleware")

# Read replica for public reads, used only when configured.
if env.text("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = database_from_url(env.text("DATABASE_REPLICA_URL"))
    DATABASE_ROUTERS = ["config.routers.ReplicaRouter"]
