"""The case file: the child, the case and one timeline of visits, support and status changes."""

from django.db.models import Prefetch
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.widgets.button import HeaderButton
from wagtail.snippets.views.snippets import InspectView

from casework.access.audit import log_case_view
from casework.access.rules import (
    can_assign_teacher,
    can_log_visit,
    can_see_personal_data,
    is_bureau,
)
from casework.closeoff.services import closeoff_buttons
from casework.links import quick_visit_url
from casework.models import AccessLog, Attachment, SupportRecord


class CaseFileView(InspectView):
    template_name = "casework/case/case_file.html"
    page_title = _("Case file")

    def get_object(self, queryset=None):
        case = super().get_object(queryset)
        return (
            type(case)
            .objects.select_related("student__school", "checklist_item", "teacher")
            .prefetch_related(
                "visits__created_by",
                "support_records",
                "status_changes__changed_by",
                *(
                    Prefetch(f"{path}", queryset=Attachment.unscoped.kept(), to_attr="evidence")
                    for path in ("visits__attachments", "support_records__attachments")
                ),
                Prefetch(
                    "closing_evidence", queryset=Attachment.unscoped.kept(), to_attr="evidence"
                ),
            )
            .get(pk=case.pk)
        )

    def get(self, request, *args, **kwargs):
        log_case_view(request.user, self.object)
        return super().get(request, *args, **kwargs)

    def get_page_subtitle(self):
        return str(self.object)

    @property
    def header_buttons(self):
        # In the order of the work: visit, support, reassign, close off.
        buttons = list(super().header_buttons)
        case = self.object
        user = self.request.user
        here = reverse(case.snippet_viewset.get_url_name("inspect"), args=[case.pk])
        if case.status != case.Status.CLOSED and can_log_visit(user):
            buttons.append(
                HeaderButton(
                    _("Log a home visit"),
                    url=quick_visit_url(case.pk, here),
                    icon_name="home",
                    priority=10,
                )
            )
        if user.has_perm("casework.add_supportrecord"):
            url = reverse(SupportRecord.snippet_viewset.get_url_name("add"))
            buttons.append(
                HeaderButton(
                    _("Record support"),
                    url=f"{url}?case={case.pk}&next={here}",
                    icon_name="tasks",
                    priority=20,
                )
            )
        if case.status != case.Status.CLOSED and can_assign_teacher(user):
            buttons.append(
                HeaderButton(
                    _("Reassign"),
                    url=reverse(case.snippet_viewset.get_url_name("reassign"), args=[case.pk]),
                    icon_name="user",
                    priority=30,
                )
            )
        buttons.extend(closeoff_buttons(case, user))
        return buttons

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        case = self.object
        context.update(
            case=case,
            student=case.student,
            timeline=case.timeline(),
            show_id_number=can_see_personal_data(user),
            here=reverse(case.snippet_viewset.get_url_name("inspect"), args=[case.pk]),
            access_logs=(
                AccessLog.objects.filter(case=case).select_related("user")[:50]
                if is_bureau(user)
                else None
            ),
        )
        return context
