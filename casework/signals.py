"""Keep a case's status history and next visit due in step; route and send on the monthly checklist."""

from django.db import transaction
from django.db.models.signals import post_delete, post_init, post_save
from django.dispatch import receiver
from wagtail.signals import published, task_submitted

from casework.access.scope import acting_user
from casework.access.tasks import enqueue
from casework.models import (
    Case,
    CaseStatusChange,
    HomeVisit,
    LeaderApprovalTaskState,
    MonthlyReport,
)
from casework.monthly.notifications import LeaderTaskSubmissionNotifier
from casework.tallies import LEDGER_MODELS, ledger_changed


@receiver(post_init, sender=Case)
def remember_status(sender, instance, **kwargs):
    instance._loaded_status = instance.status if instance.pk else None


@receiver(post_save, sender=Case)
def record_status_change(sender, instance, created, **kwargs):
    before = None if created else instance._loaded_status
    if before != instance.status:
        user = acting_user()
        CaseStatusChange.objects.create(
            case=instance,
            from_status=before or "",
            to_status=instance.status,
            changed_by=user if user is not None and user.is_authenticated else None,
            note=getattr(instance, "_status_note", "")
            or (instance.close_reason if instance.status == Case.Status.CLOSED else ""),
        )
    instance._loaded_status = instance.status
    instance._status_note = ""


@receiver(post_save, sender=HomeVisit)
@receiver(post_delete, sender=HomeVisit)
def update_next_visit_due(sender, instance, **kwargs):
    instance.case.refresh_next_visit_due()


# Kept at module level: signals hold their receivers by weak reference.
leader_task_submission_notifier = LeaderTaskSubmissionNotifier()
task_submitted.connect(
    leader_task_submission_notifier,
    sender=LeaderApprovalTaskState,
    dispatch_uid="casework_leader_task_submitted",
)


@receiver(published, sender=MonthlyReport)
def send_approved_report(sender, instance, **kwargs):
    # Approval publishes the month; the sheet then goes to the Planning and Finance Office.
    transaction.on_commit(lambda: enqueue("casework.monthly.tasks.submit_report", instance.pk))


def ledger_written(sender, using, **kwargs):
    ledger_changed(using)


for name in LEDGER_MODELS:
    post_save.connect(ledger_written, sender=f"casework.{name}", dispatch_uid=f"ledger-save-{name}")
    post_delete.connect(
        ledger_written, sender=f"casework.{name}", dispatch_uid=f"ledger-delete-{name}"
    )
