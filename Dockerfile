# The image for the web, worker, beat and migrate services (docker-compose.yml).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# Chinese fonts, so anything rendered server-side (images, PDFs) shows 汉字, not boxes.
RUN apt-get update \
    && apt-get install -y --no-install-recommends fonts-noto-cjk \
    && rm -rf /var/lib/apt/lists/*

# All dependencies ship as wheels (psycopg2-binary, pillow): no compiler in the image.
COPY requirements.txt /tmp/requirements.txt
RUN pip install -r /tmp/requirements.txt && rm /tmp/requirements.txt

RUN groupadd --system --gid 10001 xietang \
    && useradd --system --uid 10001 --gid xietang --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin xietang

WORKDIR /app
# The code stays owned by root: the app user can read it, not change it.
COPY . /app

# Writable places only: uploads (the shared media volume), collected static
# files and the beat schedule. Named volumes mounted here start with this
# ownership, so the non-root user can write to them.
ENV MEDIA_ROOT=/srv/media \
    STATIC_ROOT=/srv/static
RUN mkdir -p /srv/media /srv/static /var/lib/celery \
    && chown xietang:xietang /srv/media /srv/static /var/lib/celery

USER xietang
EXPOSE 8000
CMD ["gunicorn", "-c", "gunicorn.conf.py", "xietang.wsgi"]
