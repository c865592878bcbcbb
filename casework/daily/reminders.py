"""The daily reminder of overdue home visits, for each teacher and school manager, and of
findings past their 整改时限, for each school manager.

Run by django-q2 (see ``casework.schedules``). Outside a request the default managers are not
scoped, so each user's cases are taken with ``Case.objects.for_user(user)``.
"""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from casework.access.roles import SCHOOL_ROLES, Role
from casework.access.rules import roles_of, school_id_of, works_at_a_school
from casework.access.tasks import system_task
from casework.conf import email_subject
from casework.dates import chinese_date
from casework.links import absolute
from casework.models import Case, Finding, Reminder
from casework.people import display_name

logger = logging.getLogger(__name__)


def overdue_for(user, on):
    """The overdue cases a user answers for: a teacher their own, a manager the school's."""
    cases = Case.objects.for_user(user).overdue(on)
    if Role.MANAGER not in roles_of(user):
        cases = cases.filter(teacher=user)
    return cases


def late_findings_for(user, on):
    """The findings past their deadline a user answers for: a school manager, the school's."""
    if Role.MANAGER not in roles_of(user):
        return Finding.objects.none()
    return Finding.objects.for_user(user).overdue(on)


def reminded_users():
    """Active teachers and school managers attached to a school."""
    users = (
        get_user_model()
        .objects.filter(is_active=True, groups__casework_role__code__in=list(SCHOOL_ROLES))
        .distinct()
        .order_by("pk")
    )
    return [user for user in users if works_at_a_school(user)]


def reminder_email(user, reminder):
    # No child's name leaves the system by email: the count and a link to the dashboard.
    dashboard = absolute(reverse("wagtailadmin_home"))
    parts = []
    if reminder.overdue_count:
        parts.append(
            ngettext(
                "%(count)s home visit is overdue",
                "%(count)s home visits are overdue",
                reminder.overdue_count,
            )
            % {"count": reminder.overdue_count}
        )
    if reminder.late_findings:
        parts.append(
            ngettext(
                "%(count)s finding is past its deadline",
                "%(count)s findings are past their deadline",
                reminder.late_findings,
            )
            % {"count": reminder.late_findings}
        )
    subject = pgettext("sentence separator", "; ").join(parts)
    body = _(
        "%(name)s,\n\nas of %(date)s, %(subject)s. "
        "Open your dashboard to see which and to act on them:\n%(url)s\n"
    ) % {
        "name": display_name(user),
        "date": chinese_date(reminder.sent_on),
        "subject": subject,
        "url": dashboard,
    }
    return mail.EmailMessage(email_subject(subject), body, to=[user.email])


@system_task
def send_overdue_reminders():
    """Remind each teacher and school manager once a day of their overdue visits, and each
    school manager of the school's findings past their deadline."""
    today = timezone.localdate()
    messages = []
    reminders = []
    with translation.override(settings.LANGUAGE_CODE):
        for user in reminded_users():
            count = overdue_for(user, today).count()
            late = late_findings_for(user, today).count()
            if not count and not late:
                continue
            reminder, created = Reminder.objects.get_or_create(
                user=user,
                sent_on=today,
                defaults={
                    "school_id": school_id_of(user),
                    "overdue_count": count,
                    "late_findings": late,
                },
            )
            if not created:
                continue  # already reminded today
            if user.email:
                messages.append(reminder_email(user, reminder))
                reminders.append(reminder)
    if messages:
        mail.get_connection().send_messages(messages)
        Reminder.objects.filter(pk__in=[r.pk for r in reminders]).update(emailed=True)
    logger.info("Overdue reminders: %s emailed on %s", len(messages), today)
    return len(messages)
