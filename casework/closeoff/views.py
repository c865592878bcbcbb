"""The screens of 对账销号: propose (school), verify or return (office), and the queue."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from casework.access.rules import is_bureau
from casework.closeoff import services
from casework.closeoff.models import CloseOff
from casework.evidence.forms import EvidenceFormMixin
from casework.evidence.services import attachments_of
from casework.models import Case, Finding

QUEUE_CRUMB = {"url": reverse_lazy("casework_closeoff:index"), "label": gettext_lazy("Close-off")}


def target_url(target):
    if isinstance(target, Case):
        return reverse(Case.snippet_viewset.get_url_name("inspect"), args=[target.pk])
    return reverse(Finding.snippet_viewset.get_url_name("edit"), args=[target.pk])


class CloseOffEvidenceForm(EvidenceFormMixin):
    """The proposal's 销号依据: photos or scans, optional; checked before anything is saved."""

    def __init__(self, *args, record, **kwargs):
        self.evidence_record = record
        super().__init__(*args, **kwargs)


class CloseOffMixin(WagtailAdminTemplateMixin):
    header_icon = "tick-inverse"

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, QUEUE_CRUMB, {"url": "", "label": self.get_page_title()}]


class CloseOffIndexView(CloseOffMixin, TemplateView):
    """For an office, the close-offs of its items waiting for it; for a school, its own."""

    template_name = "casework/closeoff/index.html"
    page_title = gettext_lazy("Close-off")

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs):
        user = self.request.user
        visible = CloseOff.objects.for_user(user).select_related(
            "school", "checklist_item", "case__student", "finding", "proposed_by", "decided_by"
        )
        if is_bureau(user) and not user.is_superuser:
            mine = visible.for_offices(services.verifying_offices(user))
        else:
            mine = visible
        overdue = (
            Finding.objects.for_user(user)
            .overdue()
            .select_related("school", "checklist_item")
            .order_by("deadline", "id")
        )
        return super().get_context_data(
            pending=mine.pending(),
            decided=mine.exclude(state=CloseOff.State.PENDING)[:50],
            overdue=overdue,
            **kwargs,
        )


class ProposeView(CloseOffMixin, TemplateView):
    """The school's step: reason and what was verified, confirmed with one button."""

    template_name = "casework/closeoff/propose.html"
    page_title = gettext_lazy("Propose close-off")

    def dispatch(self, request, kind, pk):
        model = Case if kind == "case" else Finding
        self.target = get_object_or_404(model.objects.for_user(request.user), pk=pk)
        if not services.can_propose(request.user, self.target):
            raise PermissionDenied
        self.errors = {}
        return super().dispatch(request)

    def get_page_subtitle(self):
        return str(self.target)

    def get(self, request):
        self.form = CloseOffEvidenceForm(record=self.target)
        return super().get(request)

    def post(self, request):
        reason, verification = request.POST.get("reason", ""), request.POST.get("verification", "")
        self.form = CloseOffEvidenceForm(request.POST, request.FILES, record=self.target)
        evidence_ok = self.form.is_valid()
        try:
            # The proposal and its files are saved together or not at all.
            with transaction.atomic():
                services.propose(self.target, request.user, reason, verification)
                if not evidence_ok:
                    raise ValidationError({})
                self.form.save_evidence(self.target, request.user)
        except ValidationError as error:
            self.errors = error.message_dict if hasattr(error, "error_dict") else {}
            return self.render_to_response(
                self.get_context_data(reason=reason, verification=verification)
            )
        messages.success(
            request,
            _(
                "Close-off proposed. It counts as closed off once the responsible office verifies it."
            ),
        )
        return redirect(target_url(self.target))

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            target=self.target,
            is_case=isinstance(self.target, Case),
            target_url=target_url(self.target),
            history=self.target.closeoffs.select_related("proposed_by", "decided_by"),
            form=self.form,
            attachments=attachments_of(self.target),
            errors=self.errors,
            general_errors=self.errors.get("__all__"),
            offices=self.target.checklist_item.office_list,
            **kwargs,
        )


class DecideView(CloseOffMixin, TemplateView):
    """The office's step: 核验通过 or 退回 with a comment, each its own button."""

    template_name = "casework/closeoff/decide.html"
    page_title = gettext_lazy("Verify close-off")

    def dispatch(self, request, pk):
        self.closeoff = get_object_or_404(
            CloseOff.objects.for_user(request.user).select_related(
                "case__student", "finding", "checklist_item", "school"
            ),
            pk=pk,
        )
        self.errors = {}
        return super().dispatch(request)

    def get_page_subtitle(self):
        return str(self.closeoff.target)

    def post(self, request):
        closeoff, user = self.closeoff, request.user
        comment = request.POST.get("comment", "")
        action = request.POST.get("action")
        try:
            if action == "verify":
                services.verify(closeoff, user, comment)
                messages.success(request, _("Verified: closed off."))
            elif action == "return":
                services.send_back(closeoff, user, comment)
                messages.success(request, _("Returned to the school with your comment."))
            else:
                raise ValidationError(_("Choose to verify or to return."))
        except ValidationError as error:
            self.errors = (
                error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}
            )
            return self.render_to_response(self.get_context_data(comment=comment))
        return redirect("casework_closeoff:index")

    def get_context_data(self, **kwargs):
        closeoff = self.closeoff
        return super().get_context_data(
            closeoff=closeoff,
            target=closeoff.target,
            target_url=target_url(closeoff.target),
            can_decide=closeoff.state == CloseOff.State.PENDING
            and services.can_verify(self.request.user, closeoff),
            history=closeoff.target.closeoffs.select_related("proposed_by", "decided_by"),
            attachments=attachments_of(closeoff.target),
            errors=self.errors,
            **kwargs,
        )
