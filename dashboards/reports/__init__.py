"""Reports (DOMAIN.md §9): what a report holds and how it is written.

    periods   the month, quarter or year a run covers (dashboards.periods.Period underneath)
    document  the plain content: sections of tables (typed cells) and charts
    content   fills a document from dashboards.selectors — the one place figures are computed
    xlsx      renders it with openpyxl; pdf renders it with ReportLab (A4, embedded CJK font, vector charts)
    forms, selectors  the /reports/ pages' start form and scoped, filtered list

The runs themselves (request, reuse, claim, progress, finish) are dashboards.services;
the Celery task and beat schedules are dashboards.tasks.
"""
