"""Serving, adding and deleting evidence: each through the scope of the record it belongs to."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django.views.generic import FormView
from wagtail.admin.utils import get_valid_next_url_from_request
from wagtail.admin.views.generic import WagtailAdminTemplateMixin

from casework.access.audit import log_download
from casework.access.rules import can_add_evidence, can_delete_evidence
from casework.evidence.forms import AddEvidenceForm
from casework.evidence.models import Attachment
from casework.evidence.services import attachments_of, delete_attachment
from casework.models import CampaignVisit, Case, Finding, HomeVisit, SupportRecord

#: URL name of a record kind → its model.
TARGETS = {
    "visit": HomeVisit,
    "support": SupportRecord,
    "finding": Finding,
    "closeoff": Case,
    "campaign": CampaignVisit,
}


def _attachment(request, pk):
    # The user's own scope, whatever the request's: another school's file is not found.
    return get_object_or_404(Attachment.objects.for_user(request.user).kept(), pk=pk)


def _serve(fieldfile, attachment, filename):
    try:
        handle = fieldfile.open("rb")
    except FileNotFoundError as e:
        raise Http404 from e
    response = FileResponse(handle, content_type=attachment.content_type, filename=filename)
    response["Content-Disposition"] = response["Content-Disposition"].replace(
        "attachment", "inline", 1
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    # A PDF opened in the browser runs no script of ours.
    response["Content-Security-Policy"] = "sandbox"
    return response


def download(request, pk):
    """The file itself, opened in the browser; every download is logged."""
    attachment = _attachment(request, pk)
    log_download(request.user, attachment)
    return _serve(attachment.file, attachment, attachment.original_name or f"{pk}")


def thumbnail(request, pk):
    """The small preview on the timeline (same scope; the opening of the page is logged)."""
    attachment = _attachment(request, pk)
    if not attachment.thumbnail:
        raise Http404
    response = _serve(attachment.thumbnail, attachment, f"{pk}-thumbnail.jpg")
    response["Content-Type"] = "image/jpeg"
    return response


@require_POST
def delete(request, pk):
    attachment = _attachment(request, pk)
    if not can_delete_evidence(request.user, attachment):
        raise PermissionDenied
    delete_attachment(attachment, request.user)
    messages.success(
        request, _("%(name)s deleted; the deletion is kept in the history.") % {"name": attachment}
    )
    return redirect(get_valid_next_url_from_request(request) or reverse("wagtailadmin_home"))


class RecordEvidenceView(WagtailAdminTemplateMixin, FormView):
    """A record's evidence with thumbnails, and a form to add more."""

    form_class = AddEvidenceForm
    template_name = "casework/evidence/record.html"
    page_title = gettext_lazy("Evidence")
    header_icon = "doc-full"

    def dispatch(self, request, target, pk):
        model = TARGETS.get(target)
        if model is None:
            raise Http404
        self.target = target
        self.record = get_object_or_404(model.objects.for_user(request.user), pk=pk)
        self.next_url = get_valid_next_url_from_request(request) or request.path
        return super().dispatch(request, target, pk)

    def get_page_subtitle(self):
        return str(self.record)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "record": self.record}

    def get_context_data(self, **kwargs):
        user = self.request.user
        attachments = list(attachments_of(self.record).select_related("uploaded_by"))
        for a in attachments:
            a.deletable = can_delete_evidence(user, a)
        return super().get_context_data(
            record=self.record,
            attachments=attachments,
            can_add=can_add_evidence(user, self.record),
            next_url=self.next_url,
            here=self.request.get_full_path(),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        if not can_add_evidence(request.user, self.record):
            raise PermissionDenied
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        saved = form.save_evidence(self.record, self.request.user)
        messages.success(self.request, _("%(count)s attachments saved.") % {"count": len(saved)})
        return redirect(self.request.get_full_path())
