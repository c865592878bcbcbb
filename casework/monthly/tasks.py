"""Background jobs of the monthly checklist: the offices' reminder, the late flag, sending on."""

import logging

from django.conf import settings
from django.core.mail import EmailMessage, send_mail
from django.core.mail.utils import DNS_NAME
from django.db import transaction
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from casework.access.rules import office_of
from casework.access.tasks import system_task
from casework.conf import conf
from casework.dates import chinese_date
from casework.links import absolute
from casework.monthly.models import MonthlyReport, MonthlyReportDelivery
from casework.monthly.notifications import leaders_named, office_staff
from casework.monthly.workbook import XLSX, checklist_title, monthly_workbook

logger = logging.getLogger(__name__)


def receiving_office():
    return conf.RECEIVING_OFFICE


def report_of_month(day):
    """The report of the month of ``day``, drafted from the data if it does not exist yet."""
    return MonthlyReport.objects.for_month(day).first() or MonthlyReport.draft(day)


def edit_url(report):
    path = reverse(MonthlyReport.snippet_viewset.get_url_name("edit"), args=[report.pk])
    return absolute(path)


def _items_for(user, report):
    office = office_of(user)
    return [row for row in report.rows.all() if office in row.office_list]


@system_task
def remind_offices(today=None):
    """On the 20th: draft or refresh this month's report and remind each office of its rows."""
    today = today or timezone.localdate()
    report = report_of_month(today)
    if report.state not in (MonthlyReport.State.DRAFTING, MonthlyReport.State.LATE):
        return 0
    if report.redraft():
        report.save()
        report.save_revision(log_action=True)
    offices = {office for row in report.rows.all() for office in row.office_list}
    sent = 0
    with translation.override(settings.LANGUAGE_CODE):
        for user in office_staff(offices):
            rows = _items_for(user, report)
            body = _(
                "The checklist of %(month)s must be approved by the responsible leaders and "
                "sent to the Planning and Finance Office by %(deadline)s. Your office's items:"
            ) % {"month": report, "deadline": chinese_date(report.deadline)}
            lines = [body, *(f"{row.number}. {row.item.title}" for row in rows), edit_url(report)]
            send_mail(
                _("Reminder: %(report)s is due on %(deadline)s")
                % {"report": report, "deadline": chinese_date(report.deadline)},
                "\n".join(lines),
                None,
                [user.email],
            )
            sent += 1
    MonthlyReport.objects.filter(pk=report.pk).update(reminded_at=timezone.now())
    log(instance=report, action="casework.remind", data={"sent": sent})
    return sent


@system_task
def flag_overdue_reports(today=None):
    """Daily: flag reports not approved by the 25th of their month; resend any not sent on."""
    today = today or timezone.localdate()
    if today.day > conf.MONTHLY_DEADLINE_DAY:
        report_of_month(today)
    flagged = []
    overdue = MonthlyReport.objects.past_deadline(today).filter(
        live=False, overdue_since__isnull=True
    )
    with translation.override(settings.LANGUAGE_CODE):
        for report in overdue:
            MonthlyReport.objects.filter(pk=report.pk).update(overdue_since=timezone.now())
            log(instance=report, action="casework.flag_overdue")
            rows = list(report.rows.all())
            recipients = {
                *office_staff({o for row in rows for o in row.office_list}),
                *leaders_named({row.leader for row in rows}),
            }
            for user in recipients:
                send_mail(
                    _("Overdue: %(report)s was due on %(deadline)s")
                    % {"report": report, "deadline": chinese_date(report.deadline)},
                    _("It has not been approved yet: %(url)s") % {"url": edit_url(report)},
                    None,
                    [user.email],
                )
            flagged.append(report.pk)
    for pk in MonthlyReport.objects.filter(live=True, submitted_at__isnull=True).values_list(
        "pk", flat=True
    ):
        submit_report(pk)
    return flagged


def submit_report(report_id):
    """Send the approved month, as attachment 2, to the Planning and Finance Office.

    Each recipient's copy is recorded as it is handed over (``MonthlyReportDelivery``): a sending
    cut short by a killed worker resumes, when django-q2 delivers the task again or the daily
    run finds the month not yet sent, with the recipients not yet served. Each e-mail's
    Message-ID is made of the report, the revision and the recipient, so that the one copy a
    kill between the handover and its record could send twice is the same message to the mail
    system.
    """
    report = MonthlyReport.objects.filter(pk=report_id, live=True).first()
    if report is None:
        return 0
    recipients = list(office_staff([receiving_office()]))
    if not recipients:
        logger.warning("Nobody in %s to send %s to; it stays approved.", receiving_office(), report)
        return 0
    revision = report.live_revision_id
    served = set(
        MonthlyReportDelivery.objects.filter(report=report, revision_id=revision).values_list(
            "recipient_id", flat=True
        )
    )
    workbook = monthly_workbook(report)
    with translation.override(settings.LANGUAGE_CODE):
        filename = f"{checklist_title()}-{report.month:%Y-%m}.xlsx"
        for user in recipients:
            if user.pk in served:
                continue
            message = EmailMessage(
                _("%(report)s, approved by the responsible leaders") % {"report": report},
                _("The approved checklist is attached. History and revisions: %(url)s")
                % {"url": edit_url(report)},
                to=[user.email],
                headers={
                    "Message-ID": f"<casework.monthly.{report.pk}.{revision}.{user.pk}@{DNS_NAME}>"
                },
            )
            message.attach(filename, workbook, XLSX)
            message.send()
            MonthlyReportDelivery.objects.get_or_create(
                report=report, revision_id=revision, recipient=user
            )
    resent = report.submitted_at is not None
    data = {"recipients": [u.get_username() for u in recipients], "correction": resent}
    if served:  # a sending that was cut short, finished now
        data["resumed"] = True
        data["sent_before"] = [u.get_username() for u in recipients if u.pk in served]
    # Marked as sent and recorded in its history together: a worker stopped between the two
    # would leave a month sent with no record of whom it went to.
    with transaction.atomic():
        # The first sending is what counts against the deadline; a correction is sent again.
        MonthlyReport.objects.filter(pk=report.pk).update(
            submitted_at=Coalesce("submitted_at", timezone.now())
        )
        log(instance=report, action="casework.submit", data=data)
    return len(recipients) - len(served & {u.pk for u in recipients})
