"""`manage.py seed_demo [--scale N]`: the 斜塘街道 demo street and one account per role.

Safe to run again: an existing demo street is left alone (no `--reset`, nothing is deleted),
only missing demo accounts are added. `--scale` therefore only matters on a fresh database.
"""

import time

from django.core.management.base import BaseCommand, CommandError, CommandParser

from communities.demo import DEMO_PASSWORD, SeedResult, seed_demo
from projects.demo import seed_projects
from resident_requests.demo import DEMO_REPORTER_TOKEN, seed_requests
from volunteers.demo import seed_volunteers
from volunteers.demo import summary_line as volunteers_summary_line


class Command(BaseCommand):
    help = "生成斜塘街道演示数据(社区、网格、居民、党组织、共建单位、阵地、近一年居民诉求、三张清单与微实事项目、协商议事)和各角色演示账号。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--scale",
            type=int,
            default=1,
            help="户数、居民数和诉求数的倍数(默认 1,约 3,500 名居民、714 件诉求;10 约 35,000 名、7,140 件),仅对空库生效。",
        )

    def handle(self, *args, scale: int, **options) -> None:
        if scale < 1:
            raise CommandError("--scale 必须是不小于 1 的整数。")
        started = time.perf_counter()
        result = seed_demo(scale=scale)
        requests = seed_requests(scale=scale)
        projects = seed_projects()
        volunteers = seed_volunteers()
        elapsed = time.perf_counter() - started
        self.stdout.write(summary_line(result, elapsed))
        if requests:
            self.stdout.write(f"居民诉求演示数据:近一年 {requests} 件")
        if projects:
            self.stdout.write(f"微实事演示数据:项目 {projects} 个(各个阶段),含淞渔“百凳为百姓”和莲香新村三区停车场")
        if volunteers:
            self.stdout.write(volunteers_summary_line(volunteers))
        self.stdout.write(accounts_table(result))
        self.stdout.write(f"随手拍演示链接(莲香社区快递员):/snap/{DEMO_REPORTER_TOKEN}/")


def summary_line(result: SeedResult, elapsed: float) -> str:
    head = "斜塘街道演示数据已生成" if result.created else "斜塘街道演示数据已存在,跳过"
    counts = " · ".join(f"{label} {value:,}" for label, value in result.counts.items())
    share = f" · 流动/租户占比 {result.floating_share:.0%}" if result.floating_share is not None else ""
    return f"{head}:{counts}{share}(用时 {elapsed:.1f} 秒)"


def accounts_table(result: SeedResult) -> str:
    rows = [("用户名", "角色", "范围", "密码")]
    rows += [(a.username, a.role, a.scope, a.password) for a in result.accounts]
    if result.grid_worker_accounts:
        rows.append((f"gw_<网格编码> ×{result.grid_worker_accounts}", "网格员", "各自网格(兼网格长)", DEMO_PASSWORD))
    widths = [max(_width(row[i]) for row in rows) for i in range(4)]
    lines = ["演示账号:"]
    for row in rows:
        lines.append("  " + "  ".join(cell + " " * (width - _width(cell)) for cell, width in zip(row, widths)).rstrip())
    return "\n".join(lines)


def _width(text: str) -> int:
    """Display width: CJK characters take two terminal columns."""
    return sum(2 if ord(char) > 0x2E80 else 1 for char in text)
