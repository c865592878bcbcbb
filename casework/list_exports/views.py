"""The page of a background export: its progress, then the download link (its user only)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from casework.access.audit import log_export
from casework.access.rules import may_still_have
from casework.list_exports.jobs import keep_days
from casework.list_exports.tasks import interrupt_stale, restart_export
from casework.models import ExportJob


def _own_job(request, pk):
    # Another user's export is not found: the file holds what that user was allowed to see.
    jobs = ExportJob.objects.select_related("user").filter(user=request.user)
    # A dead worker is told at once, not when the next sweep runs.
    interrupt_stale(jobs.filter(pk=pk))
    job = get_object_or_404(jobs, pk=pk)
    # Rights are those of today, not of the day the file was written: a user moved from an
    # office to a school no longer takes out the file of every school made before.
    if not may_still_have(request.user, job):
        raise PermissionDenied
    return job


class ExportJobView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "casework/exports/detail.html"
    page_title = gettext_lazy("Export")
    header_icon = "download"

    def dispatch(self, request, *args, **kwargs):
        self.job = _own_job(request, kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return self.job.listed_model._meta.verbose_name_plural

    def get_breadcrumbs_items(self):
        # Home › the list › 导出: the header names the page, not "Home".
        model = self.job.listed_model
        return [
            *self.breadcrumbs_items,
            {
                "url": reverse(model.snippet_viewset.get_url_name("list")),
                "label": model._meta.verbose_name_plural,
            },
            {"url": "", "label": self.get_page_title()},
        ]

    def get_context_data(self, **kwargs):
        model = self.job.listed_model
        query = urlencode(self.job.filters, doseq=True)
        return super().get_context_data(
            job=self.job,
            list_name=model._meta.verbose_name_plural,
            list_url=reverse(model.snippet_viewset.get_url_name("list"))
            + (f"?{query}" if query else ""),
            keep_days=keep_days(),
            **kwargs,
        )


@require_POST
def restart(request, pk):
    """Write an interrupted or failed export again, from the list and filters it was asked for."""
    job = _own_job(request, pk)
    if restart_export(job):
        messages.success(request, _("The export was started again."))
    else:
        messages.error(request, _("This export is not interrupted or failed."))
    return redirect("casework_export", pk=job.pk)


def download(request, pk):
    """The finished file, logged as an export: who, when, with which filter, how many rows."""
    job = _own_job(request, pk)
    if job.status != ExportJob.Status.DONE or not job.file:
        raise Http404
    log_export(request.user, job.listed_model._meta.verbose_name_plural, job.filters, job.row_count)
    return FileResponse(job.file.open("rb"), as_attachment=True, filename=job.filename())
