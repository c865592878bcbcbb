"""Create or update the django-q2 schedules of the monthly checklist (safe to run again)."""

from django.core.management.base import BaseCommand
from django_q.models import Schedule

#: name -> (function, cron in the site's time zone, Asia/Shanghai)
SCHEDULES = {
    # 09:00 on the 20th: the offices have five days left.
    "casework.monthly_report.remind": ("casework.tasks.remind_offices", "0 9 20 * *"),
    # Daily just after midnight, so a report still unapproved after the 25th is flagged on
    # the 26th even if the worker was down that night.
    "casework.monthly_report.flag_overdue": ("casework.tasks.flag_overdue_reports", "5 0 * * *"),
}


class Command(BaseCommand):
    help = "Create or update the schedules that remind the offices and flag late reports."

    def handle(self, *args, **options):
        for name, (func, cron) in SCHEDULES.items():
            schedule = Schedule.objects.filter(name=name).first()
            if schedule and (schedule.func, schedule.cron) == (func, cron):
                self.stdout.write(f"{name}: unchanged")
                continue
            if schedule:
                schedule.func, schedule.cron = func, cron
                schedule.next_run = schedule.calculate_next_run()
                schedule.save()
                self.stdout.write(f"{name}: updated")
            else:
                Schedule.objects.create(
                    name=name, func=func, schedule_type=Schedule.CRON, cron=cron, repeats=-1
                )
                self.stdout.write(f"{name}: created")
