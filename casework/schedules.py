"""The django-q2 schedules the app needs; ``manage.py setup_schedules`` creates them.

Other features add theirs with ``register(...)`` (or a line in ``SCHEDULES``) so that one
command sets up every schedule, idempotently.
"""

import datetime
from dataclasses import dataclass

from croniter import croniter
from django.utils import timezone


@dataclass(frozen=True)
class Scheduled:
    """A schedule: a unique name, the task's dotted path and when it runs (local time)."""

    name: str
    func: str
    schedule_type: str = "D"  # django_q.models.Schedule.DAILY
    at: datetime.time = datetime.time(7, 30)
    minutes: int | None = None  # for the "I" (every N minutes) type
    cron: str | None = None  # for the "C" (cron) type
    kwargs: str | None = None  # django-q2's own form: "x=1, y='a'"

    def first_run(self, now=None):
        """The first run: the cron's next time, else the next ``at`` (Asia/Shanghai)."""
        now = timezone.localtime(now)
        if self.cron:
            return croniter(self.cron, now).get_next(datetime.datetime)
        run = now.replace(hour=self.at.hour, minute=self.at.minute, second=0, microsecond=0)
        return run if run > now else run + datetime.timedelta(days=1)


SCHEDULES = [
    Scheduled(
        name="casework: overdue visit reminders",
        func="casework.daily.reminders.send_overdue_reminders",
        at=datetime.time(7, 30),
    ),
    # 09:00 on the 20th: the offices have five days left to fill their rows.
    Scheduled(
        name="casework.monthly_report.remind",
        func="casework.monthly.tasks.remind_offices",
        schedule_type="C",
        cron="0 9 20 * *",
    ),
    # Daily just after midnight, so a report still unapproved after the 25th is flagged on the
    # 26th even if the worker was down that night.
    Scheduled(
        name="casework.monthly_report.flag_overdue",
        func="casework.monthly.tasks.flag_overdue_reports",
        schedule_type="C",
        cron="5 0 * * *",
    ),
    # Exported lists hold children's data: their files go after CASEWORK_EXPORT_KEEP_DAYS days.
    Scheduled(
        name="casework.exports.delete_old",
        func="casework.list_exports.tasks.delete_old_exports",
        at=datetime.time(3, 15),
    ),
    # A job whose worker died is marked within minutes, so that its user can restart it.
    Scheduled(
        name="casework.imports.interrupt_stale",
        func="casework.reconciliation.tasks.interrupt_stale_imports",
        schedule_type="C",
        cron="*/5 * * * *",
    ),
    Scheduled(
        name="casework.exports.interrupt_stale",
        func="casework.list_exports.tasks.interrupt_stale_exports",
        schedule_type="C",
        cron="*/5 * * * *",
    ),
    # Audit records expire after CASEWORK["AUDIT_KEEP_DAYS"] days (six months at least).
    Scheduled(
        name="casework.audit.purge_old",
        func="casework.access.tasks.purge_old_audit",
        at=datetime.time(3, 30),
    ),
    # Evidence files whose record was never committed (a killed request) are deleted.
    Scheduled(
        name="casework.evidence.delete_orphans",
        func="casework.evidence.services.delete_orphan_evidence",
        at=datetime.time(3, 45),
    ),
    # 一月一督查: the month's sample of case files is drawn at 06:00 on the first.
    Scheduled(
        name="casework.review.draw_sample",
        func="casework.review.tasks.draw_monthly_sample",
        schedule_type="C",
        cron="0 6 1 * *",
    ),
    # PIPL retention: personal data past CASEWORK["RETENTION_YEARS"] is removed every night.
    Scheduled(
        name="casework.privacy.anonymise",
        func="casework.privacy.tasks.anonymise_expired",
        at=datetime.time(2, 30),
    ),
]


def register(scheduled):
    """Add a schedule for ``setup_schedules`` to create."""
    if any(s.name == scheduled.name for s in SCHEDULES):
        raise ValueError(f"A schedule named {scheduled.name!r} is already registered.")
    SCHEDULES.append(scheduled)
    return scheduled
