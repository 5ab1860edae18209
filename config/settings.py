"""Settings for the Zone Investment Tracker.

Every knob is an environment variable with a safe default: with nothing set the
app runs on SQLite under var/ and a file-system Celery broker that needs no
server. DATABASE_URL and CELERY_BROKER_URL switch to PostgreSQL and Redis or
RabbitMQ. Every variable is in the README's table (tests/test_settings_env.py keeps it so);
our own are named ZIT_…, renamed ones are still read under their old names.

Importing the settings writes nothing: the folders under var/ are made where they are
first used (`config.folders.make_var_folders`: manage.py, the WSGI/ASGI app, the Celery app).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF

from .env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("ZIT_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", False)
# The fallback key is for a laptop demo only; `check --deploy` flags it, and
# scripts/serve refuses to start gunicorn without a real SECRET_KEY.
SECRET_KEY = env_str("SECRET_KEY", "django-insecure-dev-only-key-set-SECRET_KEY-for-production")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "simple_history",
    "axes",
    "csp",
    "accounts",
    "zones",
    "articles",
    "projects",
    "ops",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.access.LoginRequiredUnlessPublicMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: turns a locked-out login into the lockout page (HTTP 429).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database: SQLite under var/ unless DATABASE_URL names another one.
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'zonetracker.sqlite3'}"),
        conn_max_age=env_int("ZIT_DB_CONN_MAX_AGE", 0, old=("DB_CONN_MAX_AGE",)),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web server and the worker write from two processes: wait for locks,
    # take the write lock up front and let readers run beside the writer.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 30,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # A file, not memory, so that a worker process can share the test database.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-zonetracker.sqlite3")}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# --- Login throttling (django-axes): after AXES_FAILURE_LIMIT failed logins for one username from
# one address, that pair is locked out for AXES_COOLOFF_TIME, on the site login and the admin login.
AUTHENTICATION_BACKENDS = [
    "accounts.backends.AxesLockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("ZIT_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env_int("ZIT_LOGIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accounts.throttle.lockout_response"
AXES_CLIENT_IP_CALLABLE = "accounts.throttle.client_ip"
AXES_VERBOSE = False
# Number of reverse proxies in front of the app that append to X-Forwarded-For (0: use REMOTE_ADDR).
ZIT_PROXY_COUNT = env_int("ZIT_PROXY_COUNT", 0)

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# Opens the read-only pages (dashboard, lists, detail pages) to anonymous visitors. They see
# confirmed records only, and the heavy pages (exports, the totals and follow-through data,
# follow-through, compare, search) answer an address at most ZIT_PUBLIC_HEAVY_LIMIT times per
# ZIT_PUBLIC_HEAVY_WINDOW seconds, then 429 (accounts/public_rate.py). The count lives in the
# cache: set ZIT_CACHE_URL (redis://…) so that every web worker shares it (the default cache is
# per process).
PUBLIC_READ_ONLY = env_bool("ZIT_PUBLIC_READ_ONLY", False)
PUBLIC_HEAVY_LIMIT = env_int("ZIT_PUBLIC_HEAVY_LIMIT", 30)
PUBLIC_HEAVY_WINDOW = env_int("ZIT_PUBLIC_HEAVY_WINDOW", 600)
if env_str("ZIT_CACHE_URL", ""):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                          "LOCATION": env_str("ZIT_CACHE_URL", "")}}

# --- Language: Simplified Chinese by default, English switchable.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static files: hashed names served by WhiteNoise; front-end packages come from npm.
STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("ZIT_STATIC_ROOT", str(VAR_DIR / "staticfiles"), old=("STATIC_ROOT",)))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env_str(
            "ZIT_STATICFILES_BACKEND", "whitenoise.storage.CompressedManifestStaticFilesStorage",
            old=("STATICFILES_BACKEND",),
        )
    },
}
MEDIA_ROOT = VAR_DIR / "media"
# Files browsers ask for at the site root by name (/favicon.ico), served by WhiteNoise before
# any login check; static/root is drawn by scripts/draw_favicon.py.
WHITENOISE_ROOT = BASE_DIR / "static" / "root"

# --- Uploads.
UPLOAD_MAX_BYTES = env_int("ZIT_UPLOAD_MAX_BYTES", 20 * 1024 * 1024)
# Keep large uploads out of memory: Django spools anything bigger than this to a temp file.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# Stop storing a file once it passes UPLOAD_MAX_BYTES (in memory or on disk); see the module.
FILE_UPLOAD_HANDLERS = [
    "config.upload_handlers.SizeLimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
# The upload request only checks a file cheaply (articles/parsing/sniff.py); the worker reads
# it in a child process capped at this much memory (address space) and time, and the upload
# form's date proposal reads a file's top the same way with tighter caps
# (articles/parsing/sandbox.py). The read's timeout stays below the task's soft time limit.
READ_MAX_MEMORY_BYTES = env_int("ZIT_READ_MAX_MEMORY_MB", 768) * 1024 * 1024
READ_TIMEOUT_SECONDS = env_int("ZIT_READ_TIMEOUT_SECONDS", 180)
PEEK_MAX_MEMORY_BYTES = env_int("ZIT_PEEK_MAX_MEMORY_MB", 256) * 1024 * 1024
PEEK_TIMEOUT_SECONDS = env_int("ZIT_PEEK_TIMEOUT_SECONDS", 10)

# --- Celery: a file-system broker by default, Redis or RabbitMQ through CELERY_BROKER_URL.
CELERY_FS_BROKER_DIR = Path(
    env_str("ZIT_BROKER_DIR", str(VAR_DIR / "celery-broker"), old=("CELERY_FS_BROKER_DIR",))
)
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "filesystem://")
if CELERY_BROKER_URL.startswith("filesystem://"):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_FS_BROKER_DIR / "queue"),
        "data_folder_out": str(CELERY_FS_BROKER_DIR / "queue"),
        "processed_folder": str(CELERY_FS_BROKER_DIR / "processed"),
        "control_folder": str(CELERY_FS_BROKER_DIR / "control"),
        "store_processed": False,
    }
else:
    # Redis re-delivers an unacknowledged message after this many seconds; the
    # parse task's hard time limit stays well below it (see CELERY_TASK_TIME_LIMIT).
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": env_int("ZIT_VISIBILITY_TIMEOUT", 3600, old=("CELERY_VISIBILITY_TIMEOUT",)),
        "socket_connect_timeout": env_int(
            "ZIT_BROKER_CONNECTION_TIMEOUT", 3, old=("CELERY_BROKER_CONNECTION_TIMEOUT",)
        ),
    }
CELERY_TASK_DEFAULT_QUEUE = env_str("ZIT_QUEUE", "zonetracker", old=("CELERY_QUEUE",))
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env_int("ZIT_TASK_SOFT_TIME_LIMIT", 600, old=("CELERY_TASK_SOFT_TIME_LIMIT",))
CELERY_TASK_TIME_LIMIT = env_int("ZIT_TASK_TIME_LIMIT", 900, old=("CELERY_TASK_TIME_LIMIT",))
CELERY_TASK_ALWAYS_EAGER = env_bool("ZIT_TASK_ALWAYS_EAGER", False, old=("CELERY_TASK_ALWAYS_EAGER",))
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_IGNORE_RESULT = True
# A dead broker must not hang an upload: connect and publish give up within seconds; the
# upload is kept, its page says so, and articles/sweeper.py sends it when the broker is back.
CELERY_BROKER_CONNECTION_TIMEOUT = env_int(
    "ZIT_BROKER_CONNECTION_TIMEOUT", 3, old=("CELERY_BROKER_CONNECTION_TIMEOUT",)
)
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.5,
    "interval_max": 0.5,
}
# A running parse beats (Bulletin.heartbeat_at, articles/heartbeat.py) with its progress and
# every PARSE_HEARTBEAT_SECONDS; the sweeper (articles/sweeper.py) re-sends bulletins "parsing"
# whose heartbeat is older than STALE_PARSE_SECONDS (a dead worker: several beats missed) and
# "queued" ones whose message never left or was lost; it runs at worker start and every interval.
PARSE_HEARTBEAT_SECONDS = env_int("ZIT_PARSE_HEARTBEAT_SECONDS", 20)
STALE_PARSE_SECONDS = env_int("ZIT_STALE_PARSE_SECONDS", 120)
STALE_QUEUED_SECONDS = env_int("ZIT_STALE_QUEUED_SECONDS", 900)
SWEEP_INTERVAL_SECONDS = env_int("ZIT_SWEEP_INTERVAL", 60)

# --- Exports: an XLSX of more rows than this is built by the worker (projects/export_jobs.py)
# and offered as a download, since building it held a web worker past gunicorn's timeout. The
# worker writes it under EXPORT_DIR (its own disk), then copies it into the database, where any
# web process can serve it; it is deleted EXPORT_KEEP_HOURS after it was asked for.
EXPORT_INLINE_ROWS = env_int("ZIT_EXPORT_INLINE_ROWS", 20000)
EXPORT_DIR = VAR_DIR / "exports"
EXPORT_KEEP_HOURS = 24

# --- Production hardening, on whenever DEBUG is off and HTTPS is declared.
SECURE_HTTPS = env_bool("ZIT_HTTPS", False)
SESSION_COOKIE_SECURE = SECURE_HTTPS
CSRF_COOKIE_SECURE = SECURE_HTTPS
SECURE_SSL_REDIRECT = SECURE_HTTPS
SECURE_HSTS_SECONDS = 31536000 if SECURE_HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HTTPS
SECURE_HSTS_PRELOAD = SECURE_HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if SECURE_HTTPS else None
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# A form whose CSRF token expired gets a page that says so in the user's language (config/errors.py).
CSRF_FAILURE_VIEW = "config.errors.csrf_failure"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Content-Security-Policy (django-csp 4): no inline script or style anywhere, the admin included
# (Django 5.2's admin loads its scripts from files and passes data in data- attributes).
# Chart data reaches the page through json_script (<script type="application/json">), which a
# browser never executes, so script-src needs no 'unsafe-inline'.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("ZIT_LOG_LEVEL", "INFO", old=("LOG_LEVEL",))},
    # django-axes logs every successful login at INFO; lockouts and failures stay visible.
    "loggers": {"axes": {"level": env_str("ZIT_AXES_LOG_LEVEL", "WARNING", old=("AXES_LOG_LEVEL",))}},
}
