"""Gunicorn settings for the `web` service (docker-compose.yml).

Django settings stay in xietang/settings.py; this file reads only the two
variables gunicorn itself is known by (documented in .env.example).
"""

import os

bind = "0.0.0.0:8000"

# Sync workers: the pages are short database reads. WEB_CONCURRENCY is the
# usual name platforms and gunicorn itself use; 3 suits the 2-core host.
workers = int(os.environ.get("WEB_CONCURRENCY") or 3)
timeout = 60  # the resident import/export sheets are the slowest requests
graceful_timeout = 30
# Recycle workers now and then so a slow leak never takes the portal down.
max_requests = 1000
max_requests_jitter = 100
# Heartbeat files in memory, not on the container's overlay filesystem.
worker_tmp_dir = "/dev/shm"

# The TLS-terminating proxy reaches gunicorn through the compose network
# (172.28.0.0/24, see docker-compose.yml) or the host's loopback; only those
# peers may tell gunicorn the request came in over HTTPS. Django reads
# X-Forwarded-Proto itself (SECURE_PROXY_SSL_HEADER in production).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1,172.28.0.0/24")

# Logs to stdout/stderr, collected by `docker compose logs`. The access line
# keeps X-Forwarded-For, because REMOTE_ADDR is the proxy's address.
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
access_log_format = '%(h)s xff="%({x-forwarded-for}i)s" %(u)s %(t)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'
