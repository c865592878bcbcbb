"""Settings shared by every environment; dev, test and production import from here."""

import ipaddress
import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

# site/config/settings/base.py -> the repository root
BASE_DIR = Path(__file__).resolve().parents[3]

DEBUG = False
ALLOWED_HOSTS = []

INSTALLED_APPS = [
    "home",
    "casework",
    "wagtail_modeladmin",
    "django_q",
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "casework.users.apps.CaseworkUsersAppConfig",  # the user form with the casework profile
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    # Its catalogue gives Wagtail's workflow times ("3分钟前") in Chinese.
    "django.contrib.humanize",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "config.csp.SiteCSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Whether this session gave a one-time code; then ask for one where it is needed.
    "django_otp.middleware.OTPMiddleware",
    "casework.twofactor.middleware.TwoFactorMiddleware",
    # Resolves whose casework data the request may see (after authentication).
    "casework.access.middleware.ScopeMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # A malformed key in an admin URL is a 404, not a 500 (casework/badinput.py).
    "casework.badinput.MalformedKeyMiddleware",
    # Last, so that it sees the outcome of every login attempt.
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
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

# SQLite is the embedded default; DATABASE_URL (postgres://…) switches database.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Background workers and the web process share the file: wait for locks.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Failed-login throttling: five failures lock the username from that address for an hour;
# the same username from another address can still log in.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 1  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# Behind a proxy every request comes from its address: list the proxies (addresses or networks,
# comma-separated) so the client's address is read from their X-Forwarded-For. Empty: the
# header is ignored, since any client can send one.
# A value that is not an address or network stops the site from starting.
TRUSTED_PROXIES = [
    str(ipaddress.ip_network(p.strip(), strict=False))
    for p in os.environ.get("TRUSTED_PROXIES", "").split(",")
    if p.strip()
]
AXES_CLIENT_IP_CALLABLE = "config.client_ip.client_ip"

# Sessions end after eight idle hours or when the browser closes.
SESSION_COOKIE_AGE = 8 * 60 * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Chinese whatever the browser asks for (no LocaleMiddleware); an admin user may still pick
# English in their account settings.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
# The site's words first, then Chinese for the strings Wagtail 8.0 ships untranslated.
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale" / "wagtail"]

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "static_collected"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# Wagtail
WAGTAIL_SITE_NAME = "大武口区教育体育局"
# The name the phone app shows beside the code (django-otp's TOTP).
OTP_TOTP_ISSUER = "大武口区教育体育局"
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
WAGTAIL_I18N_ENABLED = False
WAGTAIL_CONTENT_LANGUAGES = [("zh-hans", "简体中文")]
WAGTAILADMIN_PERMITTED_LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
# Every school is in one time zone; the account page offers it instead of the world's list.
WAGTAIL_USER_TIME_ZONES = ["Asia/Shanghai"]
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["pdf", "xlsx", "docx", "txt"]
WAGTAIL_ENABLE_UPDATE_CHECK = False
# Wagtail's "what's new" banner and release notes are about Wagtail, not 四查四补 (casework.branding).
WAGTAIL_ENABLE_WHATS_NEW_BANNER = False
# The leaders' approval of the monthly checklist publishes it (see casework/monthly/workflows.py).
WAGTAIL_FINISH_WORKFLOW_ACTION = "casework.monthly.workflows.finish_workflow"
# Avatars from gravatar.com leak e-mail hashes and do not load inside China; Wagtail shows its default avatar.
WAGTAIL_GRAVATAR_PROVIDER_URL = None

# The casework app (every key and its default: casework/conf.py). The bureau's own words.
CASEWORK = {
    "CHECKLIST_TITLE": "大武口区教体系统教育扶贫攻坚“四查四补”挂牌督战责任清单",
    "CHECKLIST_CLOSING_NOTE": (
        "备注：各责任科室、部门对照排查内容，认真填写发现问题和整改情况，"
        "每月25日前将挂牌督战责任清单经责任领导审核后上报教体局规划财务室。"
    ),
    "RECEIVING_OFFICE": "规划财务室",
    "REPORTING_UNIT": "大武口区教育体育局",
    "EMAIL_SUBJECT_PREFIX": "【四查四补】",
    "MONTHLY_DEADLINE_DAY": 25,
    "POVERTY_EXIT_YEAR": 2019,
}

# django-q2: the ORM broker, so no other server is needed.
Q_CLUSTER = {
    "name": "casework",
    "orm": "default",
    "workers": int(os.environ.get("Q_WORKERS", "2")),
    "timeout": 600,
    "retry": 900,
    "max_attempts": 2,
    "catch_up": False,
}
if os.environ.get("REDIS_URL"):
    Q_CLUSTER.pop("orm")
    Q_CLUSTER["redis"] = os.environ["REDIS_URL"]

EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "sichasibu@dwk.example.cn")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {"casework": {"handlers": ["console"], "level": "INFO", "propagate": False}},
}

# Content-Security-Policy (django-csp) for the admin and the public site alike: everything from
# the site itself, nothing from elsewhere (the site must work inside a closed network too).
# Wagtail's admin still sets inline styles (style="…" attributes and a few <style> blocks), and
# its chooser modals run the HTML they fetch, hence 'unsafe-inline' for styles only.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "frame-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'self'"],
    },
}

# --- The bureau's website (home/, issue 20) ---------------------------------------------------
INSTALLED_APPS += ["wagtail.contrib.sitemaps", "django.contrib.sitemaps"]
# Replaces the plain database backend above: Chinese words are cut with jieba before they are
# indexed or searched, on SQLite and PostgreSQL alike (see home/chinese_search.py).
WAGTAILSEARCH_BACKENDS = {
    "default": {"BACKEND": "home.chinese_search", "SEARCH_CONFIG": "simple"},
}
# --- end of the website's settings ------------------------------------------------------------
