"""Opening a case: one path for the admin form, the quick flows and the reconciliation.

Whoever opens a case, it leaves the same traces: Wagtail's history entry and first revision,
the status change (kept by ``casework.signals``) and an e-mail to the paired teacher.
"""

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from wagtail.actions.create import CreateAction

from casework.conf import email_subject
from casework.links import absolute_case_file_url


class OpenCaseAction(CreateAction):
    """Wagtail's create action for a case, plus telling the paired teacher."""

    def execute(self, skip_permission_checks=False):
        case = super().execute(skip_permission_checks=skip_permission_checks)
        if case.teacher_id and case.teacher.email and case.teacher != self.user:
            transaction.on_commit(lambda: notify_teacher(case))
        return case


def open_case(case, user, *, form=None):
    """Save a new ``case`` (or ``form``'s) as opened by ``user``; returns the case."""
    return OpenCaseAction(case, user=user, form=form, clean=form is None).execute(
        skip_permission_checks=True
    )


def notify_teacher(case):
    """Tell a teacher a child has been paired with them (the school and concern, no name)."""
    with translation.override(settings.LANGUAGE_CODE):
        send_mail(
            email_subject(_("A case has been paired with you")),
            _("A %(concern)s case at %(school)s has been paired with you: %(url)s")
            % {
                "concern": case.get_concern_display(),
                "school": case.student.school,
                "url": absolute_case_file_url(case.pk) or "",
            },
            None,
            [case.teacher.email],
        )
