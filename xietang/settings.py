"""Settings for the 斜塘 portal, read from environment variables.

Every variable is documented in `.env.example`. The embedded default (no
variables at all) is a development portal on SQLite with Celery tasks run in
process; `DATABASE_URL` and `REDIS_URL` switch the whole stack to PostgreSQL
and Redis.
"""

import ipaddress
import re
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

from xietang.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

# "development" or "production". Production refuses the development secret
# key and turns on the HTTPS-only protections that `check --deploy` asks for.
DJANGO_ENV = env_str("DJANGO_ENV", "development")
if DJANGO_ENV not in {"development", "production"}:
    raise ImproperlyConfigured(f"DJANGO_ENV must be development or production, got {DJANGO_ENV!r}")
IS_PRODUCTION = DJANGO_ENV == "production"

DEV_SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"
SECRET_KEY = env_str("SECRET_KEY", DEV_SECRET_KEY)
if IS_PRODUCTION and (SECRET_KEY == DEV_SECRET_KEY or len(SECRET_KEY) < 50):
    raise ImproperlyConfigured(
        "Production needs its own SECRET_KEY of at least 50 random characters "
        "(python -c 'import secrets; print(secrets.token_urlsafe(64))')."
    )

DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "" if IS_PRODUCTION else "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
# Reverse proxies whose X-Forwarded-For the audit log believes (addresses or networks).
TRUSTED_PROXY_NETWORKS = [ipaddress.ip_network(item, strict=False) for item in env_list("TRUSTED_PROXIES")]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    # Only for its system checks on the cache; the public pages call is_ratelimited() directly.
    "django_ratelimit",
    "xietang",
    "accounts",
    "communities",
    "resident_requests",
    "projects",
    "volunteers",
    "open311",
    "dashboards",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "xietang.middleware.RequestContextMiddleware",
    # Must be last: it answers locked-out logins.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "xietang.urls"
WSGI_APPLICATION = "xietang.wsgi.application"

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
                "xietang.context_processors.navigation",
            ],
        },
    },
]

DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # django-axes first, so a locked-out user is refused before the password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Failed logins: lock a username+IP pair after AXES_FAILURE_LIMIT failures for AXES_COOLOFF_MINUTES.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 15) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True

# Staff sessions expire after SESSION_IDLE_MINUTES without a request.
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_MINUTES", 30) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if IS_PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Uploads: the resident import sheet is the largest file staff send for now.
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
RESIDENT_IMPORT_MAX_BYTES = env_int("RESIDENT_IMPORT_MAX_BYTES", 5 * 1024 * 1024)
# Confirming creates each row through the audited service (~5 ms a row): 2,000 rows
# stay well inside gunicorn's request timeout.
RESIDENT_IMPORT_MAX_ROWS = env_int("RESIDENT_IMPORT_MAX_ROWS", 2000)
# Checked-but-unconfirmed imports hold full ID numbers: purged after this many days.
RESIDENT_IMPORT_RETENTION_DAYS = env_int("RESIDENT_IMPORT_RETENTION_DAYS", 7)
# Photos residents attach (xietang.images): phone photos are 2-8 MB, so 10 MB refuses only oddities.
UPLOAD_IMAGE_MAX_BYTES = env_int("UPLOAD_IMAGE_MAX_BYTES", 10 * 1024 * 1024)
# Checked from the header before decoding: 40 million RGBA pixels already take 160 MB of a worker's memory.
UPLOAD_IMAGE_MAX_PIXELS = env_int("UPLOAD_IMAGE_MAX_PIXELS", 40_000_000)

# Resident requests (resident_requests.tasks): an overdue case is urged to the
# community at once and goes to the street for 督办 this many hours past due.
REQUEST_ESCALATE_STREET_AFTER_HOURS = env_int("REQUEST_ESCALATE_STREET_AFTER_HOURS", 24)
# Days after a request is archived (or rejected/merged) before the resident's name,
# mobile and comment are removed from it (PIPL: delete when the purpose ends).
REQUEST_CONTACT_RETENTION_DAYS = env_int("REQUEST_CONTACT_RETENTION_DAYS", 730)

# --- Micro-projects, lists and meetings (projects app) ---
# 公示 (public notice) after acceptance lasts this many days before residents rate the
# project; DOMAIN.md §4 asks for at least 7, so a shorter value refuses to start.
PROJECT_NOTICE_DAYS = env_int("PROJECT_NOTICE_DAYS", 7)
if PROJECT_NOTICE_DAYS < 7:
    raise ImproperlyConfigured(f"PROJECT_NOTICE_DAYS must be at least 7 (公示 ≥ 7 days), got {PROJECT_NOTICE_DAYS}")
# Ratings of accepted projects on the public project page (/projects/<pk>/), per client IP:
# one flat or office shares an address; a script trying mobiles does not fit in it.
PROJECT_RATING_RATE_IP = env_str("PROJECT_RATING_RATE_IP", "10/h")
# Reminders of milestones, batches (projects.tasks.work) and meeting follow-up actions
# (projects.tasks.meetings) go this many days before their date; late ones get one more notice.
PROJECT_REMINDER_DAYS = env_int("PROJECT_REMINDER_DAYS", 3)
if PROJECT_REMINDER_DAYS < 0:
    raise ImproperlyConfigured(f"PROJECT_REMINDER_DAYS must be 0 or more, got {PROJECT_REMINDER_DAYS}")
# Public preference poll votes (/polls/<pk>/) per client IP, every attempt counted: a
# household votes from one address; a script cycling through mobile numbers does not fit.
POLL_RATE_IP = env_str("POLL_RATE_IP", "20/h")
# (end of the projects block)

# --- Volunteers, activities, points and certificates (volunteers app) ---
# Points a volunteer earns per confirmed service hour (pro rata by minute, rounded
# down), and per accepted 随手拍 report by a registered reporter.
VOLUNTEER_POINTS_PER_HOUR = env_int("VOLUNTEER_POINTS_PER_HOUR", 10)
VOLUNTEER_POINTS_PER_REPORT = env_int("VOLUNTEER_POINTS_PER_REPORT", 5)
if VOLUNTEER_POINTS_PER_HOUR < 0 or VOLUNTEER_POINTS_PER_REPORT < 0:
    raise ImproperlyConfigured("VOLUNTEER_POINTS_PER_HOUR and VOLUNTEER_POINTS_PER_REPORT must be 0 or more")
# 志愿服务记录证明 (volunteers.services.certificates): the issuing organisation, "谁记录谁
# 证明": the residents' committee of the community that recorded the hours.
CERTIFICATE_ISSUER_PATTERN = env_str("CERTIFICATE_ISSUER_PATTERN", "斜塘街道{community}社区居民委员会")
if "{community}" not in CERTIFICATE_ISSUER_PATTERN:
    raise ImproperlyConfigured("CERTIFICATE_ISSUER_PATTERN must contain {community}")
# Public certificate checks (/certificates/verify/) per client IP, every attempt counted:
# an employer checking a few certificates fits; guessing 8-character codes does not.
CERTIFICATE_VERIFY_RATE_IP = env_str("CERTIFICATE_VERIFY_RATE_IP", "30/h")
# Public sign-ups (/serve/activities/<pk>/) per client IP, valid forms only: a family
# signing up together fits; a script filling shifts with made-up mobiles does not.
VOLUNTEER_SIGNUP_RATE_IP = env_str("VOLUNTEER_SIGNUP_RATE_IP", "10/h")
# Look-ups and cancellations by code + mobile tail (/serve/signup/), every attempt
# counted: the tail has only 10,000 values.
VOLUNTEER_LOOKUP_RATE_IP = env_str("VOLUNTEER_LOOKUP_RATE_IP", "20/h")
# Venue QR scans (/serve/check-in/<token>/): a whole team may share the venue's Wi-Fi,
# each volunteer scanning twice, so this is higher than the others.
VOLUNTEER_CHECKIN_RATE_IP = env_str("VOLUNTEER_CHECKIN_RATE_IP", "120/h")
# (end of the volunteers block)

# --- Dashboards and reports (dashboards app) ---
# Report runs (dashboards.tasks.generate_report): a run still 生成中 this many minutes after its
# worker claimed it is taken to be lost (worker killed, deploy) and is claimed again. A street
# year report takes seconds; 30 minutes leaves room for a slow night without leaving a run stuck.
REPORT_STALE_MINUTES = env_int("REPORT_STALE_MINUTES", 30)
if REPORT_STALE_MINUTES < 5:
    raise ImproperlyConfigured(f"REPORT_STALE_MINUTES must be at least 5, got {REPORT_STALE_MINUTES}")
# (end of the dashboards block)

# Public pages (no account) are open to floods and to strangers trying mobile tails.
# django-ratelimit syntax: count/period, period s, m, h or d.
# Valid /report/ and 随手拍 submissions per client IP: a family or a community
# office behind one address still fits; a script does not.
REQUEST_RATE_IP = env_str("REQUEST_RATE_IP", "10/h")
# Per contact mobile: nobody has five new problems a day, but someone may fill
# the inbox under another resident's number.
REQUEST_RATE_MOBILE = env_str("REQUEST_RATE_MOBILE", "5/d")
# Tracking attempts (right or wrong) per IP: the mobile tail has only 10,000 values.
TRACK_RATE_IP = env_str("TRACK_RATE_IP", "20/h")
# Open311 (open311/): new requests per partner API key. A street's 12345 referrals come
# in tens a day; a partner looping on a bug hits this long before it floods the inbox.
OPEN311_RATE_KEY = env_str("OPEN311_RATE_KEY", "60/h")
for _name, _rate in (
    ("REQUEST_RATE_IP", REQUEST_RATE_IP),
    ("REQUEST_RATE_MOBILE", REQUEST_RATE_MOBILE),
    ("TRACK_RATE_IP", TRACK_RATE_IP),
    ("OPEN311_RATE_KEY", OPEN311_RATE_KEY),
    ("PROJECT_RATING_RATE_IP", PROJECT_RATING_RATE_IP),
    ("POLL_RATE_IP", POLL_RATE_IP),
    ("CERTIFICATE_VERIFY_RATE_IP", CERTIFICATE_VERIFY_RATE_IP),
    ("VOLUNTEER_SIGNUP_RATE_IP", VOLUNTEER_SIGNUP_RATE_IP),
    ("VOLUNTEER_LOOKUP_RATE_IP", VOLUNTEER_LOOKUP_RATE_IP),
    ("VOLUNTEER_CHECKIN_RATE_IP", VOLUNTEER_CHECKIN_RATE_IP),
):
    # django-ratelimit would read "10/x" as ten a second: refuse it here instead.
    if not re.fullmatch(r"\d+/\d*[smhd]", _rate):
        raise ImproperlyConfigured(f"{_name} must look like 10/h (count/period, period s, m, h or d), got {_rate!r}")

# Redis: cache and Celery broker when REDIS_URL is set; in-process otherwise.
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# django-ratelimit counts in the default cache and reads the client IP the way the
# audit log does (trusted proxies only). Its check knows only django-redis: Django's own
# RedisCache is shared by all workers and increments atomically (INCR). Without Redis
# the local-memory cache counts per process, so limits are per worker: fine for
# development and tests, the compose deployment sets REDIS_URL.
RATELIMIT_USE_CACHE = "default"
RATELIMIT_IP_META_KEY = "xietang.middleware.client_ip"
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.W001"] + ([] if REDIS_URL else ["django_ratelimit.E003"])

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
# Without a broker, tasks run in the web process at once ("in-process Celery").
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE = {
    "purge-stale-resident-imports": {
        "task": "communities.tasks.purge_stale_resident_imports",
        "schedule": crontab(hour=3, minute=30),
    },
    "clear-expired-sessions": {
        "task": "xietang.tasks.clear_expired_sessions",
        "schedule": crontab(hour=3, minute=0),
    },
    # Notifications whose task was never enqueued (Redis down) or is still failing.
    "deliver-pending-notifications": {
        "task": "accounts.tasks.deliver_pending_notifications",
        "schedule": crontab(minute="*/5"),
    },
    # Resident requests: periodic sweeps over the database (resident_requests/tasks.py).
    "send-request-due-reminders": {
        "task": "resident_requests.tasks.send_due_reminders",
        "schedule": crontab(minute="*/10"),
    },
    "escalate-overdue-requests": {
        "task": "resident_requests.tasks.escalate_overdue",
        "schedule": crontab(minute="5-59/10"),
    },
    "remind-request-callbacks": {
        "task": "resident_requests.tasks.remind_callbacks",
        "schedule": crontab(minute=20),
    },
    "purge-request-contacts": {
        "task": "resident_requests.tasks.purge_request_contacts",
        "schedule": crontab(hour=3, minute=45),
    },
    # Micro-projects (projects/tasks/): reminders go out in office hours; every row is
    # claimed by a conditional update, so a rerun never notifies twice.
    "remind-project-work-due": {"task": "projects.tasks.work.remind_work_due", "schedule": crontab(hour=8, minute=30)},
    "notify-late-project-work": {"task": "projects.tasks.work.notify_work_late", "schedule": crontab(hour=8, minute=40)},
    "remind-project-notice-ending": {
        "task": "projects.tasks.work.remind_notice_ending",
        "schedule": crontab(minute=35),
    },
    "end-project-notice-periods": {"task": "projects.tasks.work.end_notice_periods", "schedule": crontab(minute=50)},
    "remind-meeting-follow-ups": {
        "task": "projects.tasks.meetings.send_follow_up_reminders",
        "schedule": crontab(hour="8-20", minute=25),
    },
    # Certificates whose PDF task never ran (Redis down at issue): sent again; drawing is idempotent.
    "render-pending-certificates": {
        "task": "volunteers.tasks.certificates.render_pending_certificates",
        "schedule": crontab(minute="3-59/10"),
    },
    # Activities (volunteers/tasks/activities.py): each shift is claimed by a conditional update.
    # Day-before SMS hourly in the daytime (a missed run is caught by the next), hours reminders
    # to organisers after shifts end, the teams' weekly digest on Monday morning.
    "send-volunteer-shift-reminders": {
        "task": "volunteers.tasks.activities.send_shift_reminders",
        "schedule": crontab(hour="9-20", minute=5),
    },
    "remind-volunteer-hours-to-confirm": {
        "task": "volunteers.tasks.activities.remind_hours_to_confirm",
        "schedule": crontab(minute="*/30"),
    },
    "send-volunteer-weekly-digest": {
        "task": "volunteers.tasks.activities.send_weekly_digest",
        "schedule": crontab(hour=8, minute=0, day_of_week=1),
    },
    # 随手拍 points the on-commit task missed (Redis down at 受理); a report is paid once.
    "award-missed-report-points": {
        "task": "volunteers.tasks.points.award_missed_report_points",
        "schedule": crontab(minute="*/30"),
    },
    # Reports (dashboards/tasks.py) for the period just ended, the street and every community;
    # a finished run is reused, so beat firing twice queues nothing new. Asia/Shanghai (CELERY_TIMEZONE).
    "schedule-monthly-reports": {
        "task": "dashboards.tasks.schedule_monthly_reports",
        "schedule": crontab(day_of_month=1, hour=2, minute=0),
    },
    "schedule-quarterly-reports": {
        "task": "dashboards.tasks.schedule_quarterly_reports",
        "schedule": crontab(month_of_year="1,4,7,10", day_of_month=1, hour=2, minute=30),
    },
    "schedule-yearly-reports": {
        "task": "dashboards.tasks.schedule_yearly_reports",
        "schedule": crontab(month_of_year=1, day_of_month=1, hour=3, minute=0),
    },
    # Report runs never enqueued (Redis down) or left by a dead worker: sent again; one claim wins.
    "requeue-report-runs": {"task": "dashboards.tasks.requeue_report_runs", "schedule": crontab(minute="7-59/10")},
}

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "斜塘街道治理平台 <noreply@xietang.local>")
# Channels accounts.notifications.notify() uses besides the in-app list (dotted class paths).
NOTIFICATION_BACKENDS = env_list(
    "NOTIFICATION_BACKENDS",
    "accounts.notifications.EmailNotificationBackend,accounts.notifications.LoggingSmsBackend",
)
# Public address of the portal, e.g. https://portal.example.cn: makes links in email absolute.
SITE_URL = env_str("SITE_URL", "").rstrip("/")
if SITE_URL and not SITE_URL.startswith(("https://", "http://")):
    raise ImproperlyConfigured(f"SITE_URL must start with https:// or http://, got {SITE_URL!r}")
# Open311 jurisdiction_id of the street (GeoReport v2 suggests the jurisdiction's web host).
# Optional in requests while one street is served; checked when a partner sends it.
OPEN311_JURISDICTION_ID = env_str("OPEN311_JURISDICTION_ID", "xietang.local")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["accounts.permissions.IsStaffMember"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "斜塘街道基层治理平台 API",
    "DESCRIPTION": "网格、党组织、居民、共建单位与党群服务阵地。所有数据按登录用户的层级范围过滤。",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    # Swagger UI from static files: the portal must work on a closed network (no CDN).
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Choice sets used under several field names (or field names shared by several sets) get one name each.
    "ENUM_NAME_OVERRIDES": {
        "RequestStatusEnum": "resident_requests.models.Status.choices",
        "RequestChannelEnum": "resident_requests.models.Channel.choices",
        "StaffChannelEnum": "resident_requests.api.serializers.STAFF_CHANNELS",
        "HandlerKindEnum": "resident_requests.models.HandlerKind.choices",
        "SatisfactionEnum": "resident_requests.models.Satisfaction.choices",
        "RequestEventActionEnum": "resident_requests.models.EventAction.choices",
        "RequestPhotoKindEnum": "resident_requests.models.PhotoKind.choices",
        "ProjectStatusEnum": "projects.models.ProjectStatus.choices",
        "NeedStatusEnum": "projects.models.NeedStatus.choices",
        "NeedSourceEnum": "projects.models.NeedSource.choices",
        "MenuStatusEnum": "projects.models.MenuStatus.choices",
        "ResourceKindEnum": "projects.models.ResourceKind.choices",
        "FundingSourceEnum": "projects.models.FundingSource.choices",
        "VolunteerKindEnum": "volunteers.models.VolunteerKind.choices",
        "PointsKindEnum": "volunteers.models.PointsKind.choices",
        "WorkerKindEnum": "volunteers.models.WorkerKind.choices",
        "ReporterKindEnum": "resident_requests.models.ReporterKind.choices",
    },
}

# Production: HTTPS only, behind a proxy that sets X-Forwarded-Proto.
if IS_PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # /healthz and /readyz are probed over plain HTTP inside the compose network.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}

# Who may reveal a full ID number (an audited action).
ID_REVEAL_ROLES = ("street_admin", "community_secretary")
