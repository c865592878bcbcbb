from django.core.management.base import BaseCommand
from django_q.models import Schedule

from casework.schedules import SCHEDULES


class Command(BaseCommand):
    help = "Create or update the django-q2 schedules the app needs (safe to run again)."

    def handle(self, *args, **options):
        for scheduled in SCHEDULES:
            defaults = {
                "func": scheduled.func,
                "schedule_type": scheduled.schedule_type,
                "minutes": scheduled.minutes,
                "cron": scheduled.cron,
                "kwargs": scheduled.kwargs,
                "repeats": -1,
            }
            schedule = Schedule.objects.filter(name=scheduled.name).first()
            if schedule is None:
                Schedule.objects.create(
                    name=scheduled.name, next_run=scheduled.first_run(), **defaults
                )
                self.stdout.write(f"created: {scheduled.name}")
                continue
            # Keep next_run: running the command again must not move or repeat a run.
            changed = {k: v for k, v in defaults.items() if getattr(schedule, k) != v}
            if changed:
                Schedule.objects.filter(pk=schedule.pk).update(**changed)
                self.stdout.write(f"updated: {scheduled.name} ({', '.join(changed)})")
            else:
                self.stdout.write(f"unchanged: {scheduled.name}")
