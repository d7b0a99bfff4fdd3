#!/usr/bin/env python
"""Time the resident list page and /api/v1/residents/ on `seed_demo --scale N` data.

Runs against a throwaway test database made from DATABASE_URL (in-memory
SQLite by default, `test_<name>` on PostgreSQL), never the real one. Requests
go through Django's test client in this process, so the numbers are the
application's own time (views, ORM, templates, serialisers), without a
network or a web server in between. See bench/README.md.

    python bench/run.py [--scale 10] [--requests 30] [--user jiedao_admin]
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import statistics
import sys
import time
import warnings
from dataclasses import asdict, dataclass
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
RESULTS_DIR = BASE_DIR / "bench" / "results"
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xietang.settings")
# WhiteNoise warns when collectstatic has not run; irrelevant to these pages.
warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)

# (label, URL name or path) — the list page and the API list ask for the same first page.
TARGETS = [
    ("resident list page", "communities:resident_list"),
    ("resident API list", "/api/v1/residents/"),
    ("request inbox page", "requests:inbox"),
    ("request API list", "/api/v1/requests/"),
    ("request summary, year", "/requests/summary/?period=year"),
]


@dataclass
class Timing:
    target: str
    url: str
    status: int
    requests: int
    queries: int | None = None
    bytes: int | None = None
    median_ms: float | None = None
    p90_ms: float | None = None
    min_ms: float | None = None
    max_ms: float | None = None
    note: str = ""


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=int, default=10, help="seed_demo --scale (10 ≈ 35,000 residents)")
    parser.add_argument("--requests", type=int, default=30, help="timed requests per target")
    parser.add_argument("--warmup", type=int, default=3, help="untimed requests per target first")
    parser.add_argument("--user", default="jiedao_admin", help="demo account to sign in as (sees the whole street)")
    return parser.parse_args()


def seed(scale: int) -> str:
    from django.core.management import call_command, get_commands, load_command_class

    app = get_commands().get("seed_demo")
    if app is None:
        raise SystemExit("bench: manage.py seed_demo does not exist yet; nothing to measure.")
    command = load_command_class(app, "seed_demo")
    parser = command.create_parser("manage.py", "seed_demo")
    accepts_scale = any("--scale" in action.option_strings for action in parser._actions)
    started = time.perf_counter()
    if accepts_scale:
        call_command("seed_demo", scale=scale, stdout=io.StringIO())
    else:
        call_command("seed_demo", stdout=io.StringIO())
        scale = 1
    return f"seed_demo --scale {scale} in {time.perf_counter() - started:.1f} s"


def measure(client, label: str, url: str, requests: int, warmup: int) -> Timing:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    timing = Timing(target=label, url=url, status=response.status_code, requests=0)
    if response.status_code != 200:
        timing.note = f"HTTP {response.status_code}: not measured"
        return timing
    timing.queries = len(queries)
    timing.bytes = len(response.content)
    for _ in range(warmup):
        client.get(url)
    samples = []
    for _ in range(requests):
        started = time.perf_counter()
        response = client.get(url)
        samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    samples.sort()
    timing.requests = len(samples)
    timing.median_ms = round(statistics.median(samples), 1)
    timing.p90_ms = round(samples[min(len(samples) - 1, int(len(samples) * 0.9))], 1)
    timing.min_ms = round(samples[0], 1)
    timing.max_ms = round(samples[-1], 1)
    return timing


def resolve(target: str) -> str:
    from django.urls import NoReverseMatch, reverse

    if target.startswith("/"):
        return target
    try:
        return reverse(target)
    except NoReverseMatch:
        return ""


def main() -> int:
    args = parse_args()
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment, teardown_test_environment

    from accounts.models import User

    setup_test_environment(debug=False)
    real_name = connection.settings_dict["NAME"]
    test_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        seeded = seed(args.scale)
        print(f"bench: {connection.vendor} ({test_name}), {seeded}", flush=True)
        user = User.objects.filter(username=args.user).first()
        if user is None:
            raise SystemExit(f"bench: seed_demo made no user {args.user!r}")
        client = Client()
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        timings = []
        for label, target in TARGETS:
            url = resolve(target)
            if not url:
                timings.append(Timing(target=label, url=target, status=0, requests=0, note="no such URL yet"))
                continue
            timings.append(measure(client, label, url, args.requests, args.warmup))
    finally:
        connection.creation.destroy_test_db(real_name, verbosity=0)
        teardown_test_environment()

    print(
        f"{'target':<22}{'url':<22}{'status':>7}{'queries':>9}{'KiB':>8}{'median':>9}{'p90':>9}{'min':>9}{'max':>9}  (ms)"
    )
    for t in timings:
        if t.median_ms is None:
            print(f"{t.target:<22}{t.url:<22}{t.status:>7}  {t.note}")
            continue
        print(
            f"{t.target:<22}{t.url:<22}{t.status:>7}{t.queries:>9}{t.bytes / 1024:>8.1f}"
            f"{t.median_ms:>9}{t.p90_ms:>9}{t.min_ms:>9}{t.max_ms:>9}"
        )
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    out = RESULTS_DIR / f"bench-{stamp}.json"
    out.write_text(
        json.dumps(
            {
                "when": stamp,
                "scale": args.scale,
                "user": args.user,
                "database": connection.vendor,
                "python": platform.python_version(),
                "debug": settings.DEBUG,
                "seeded": seeded,
                "timings": [asdict(t) for t in timings],
            },
            ensure_ascii=False,
            indent=2,
        )
    )
    print(f"bench: results in {out.relative_to(BASE_DIR)}")
    return 0 if all(t.median_ms is not None for t in timings) else 1


if __name__ == "__main__":
    sys.exit(main())
