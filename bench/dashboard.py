#!/usr/bin/env python
"""Time the 统计看板 (street, community, grid; month and year) on `seed_demo --scale N` data.

Same method as bench/run.py (whose helpers it uses): a throwaway test database
from DATABASE_URL (in-memory SQLite by default), Django's test client in this
process, a few warm-up requests then timed ones; median, p90, min, max in ms and
the SQL queries of one request. See bench/README.md.

    .venv/bin/python bench/dashboard.py [--scale 1] [--requests 10] [--user jiedao_admin]
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import run  # noqa: E402  (bench/run.py: settings, seeding, measuring)


def targets() -> list[tuple[str, str]]:
    from communities.models import Community, Grid

    community = Community.objects.order_by("code").first()
    grid = Grid.objects.filter(community=community).order_by("serial").first() if community else None
    found = [
        ("street, month", "/dashboard/?scope=street&period=month"),
        ("street, year", "/dashboard/?scope=street&period=year"),
    ]
    if community is not None:
        found.append(("community, year", f"/dashboard/communities/{community.pk}/?period=year"))
    if grid is not None:
        found.append(("grid, year", f"/dashboard/grids/{grid.pk}/?period=year"))
    return found


def main() -> int:
    args = _args()
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment, teardown_test_environment

    from accounts.models import User

    setup_test_environment(debug=False)
    real_name = connection.settings_dict["NAME"]
    test_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        seeded = run.seed(args.scale)
        print(f"bench: {connection.vendor} ({test_name}), {seeded}", flush=True)
        user = User.objects.filter(username=args.user).first()
        if user is None:
            raise SystemExit(f"bench: seed_demo made no user {args.user!r}")
        client = Client()
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        timings = [run.measure(client, label, url, args.requests, args.warmup) for label, url in targets()]
    finally:
        connection.creation.destroy_test_db(real_name, verbosity=0)
        teardown_test_environment()

    print(f"{'target':<18}{'status':>7}{'queries':>9}{'KiB':>8}{'median':>9}{'p90':>9}{'min':>9}{'max':>9}  (ms)  url")
    for t in timings:
        if t.median_ms is None:
            print(f"{t.target:<18}{t.status:>7}  {t.note}  {t.url}")
            continue
        print(
            f"{t.target:<18}{t.status:>7}{t.queries:>9}{t.bytes / 1024:>8.1f}"
            f"{t.median_ms:>9}{t.p90_ms:>9}{t.min_ms:>9}{t.max_ms:>9}  {t.url}"
        )
    print(f"bench: {time.strftime('%Y-%m-%d %H:%M:%S')}")
    return 0 if all(t.median_ms is not None for t in timings) else 1


def _args():
    import argparse

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=int, default=1, help="seed_demo --scale (1 ≈ one year of the street's figures)")
    parser.add_argument("--requests", type=int, default=10, help="timed requests per target")
    parser.add_argument("--warmup", type=int, default=2, help="untimed requests per target first")
    parser.add_argument("--user", default="jiedao_admin", help="demo account to sign in as (sees the whole street)")
    return parser.parse_args()


if __name__ == "__main__":
    sys.exit(main())
