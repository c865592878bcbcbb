"""Admin views of 数据比对: upload a list, preview it, commit it, reconcile, open cases."""

import datetime
from io import BytesIO

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse, reverse_lazy
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django.views.generic import FormView, TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from casework.access.audit import log_export
from casework.access.rules import (
    can_reconcile,
    can_reconcile_own_roll,
    can_view_imports,
    school_id_of,
)
from casework.dates import chinese_date, term_start
from casework.links import case_file_url, case_list_url
from casework.models import ImportBatch, ImportRow, School, Student
from casework.reconciliation.blank import template_filename, template_workbook
from casework.reconciliation.checking import file_sha256
from casework.reconciliation.committing import CommitRefused
from casework.reconciliation.forms import ImportUploadForm
from casework.reconciliation.permissions import can_import, import_kinds_for
from casework.reconciliation.reconcile import (
    FindingKind,
    NoChecklistItem,
    open_cases,
    reconcile,
    reconcile_school,
)
from casework.reconciliation.tasks import (
    interrupt_stale,
    restart_reading,
    runs_in_background,
    start_commit,
    start_reading,
)

ROWS_PER_PAGE = 100
INDEX_CRUMB = {
    "url": reverse_lazy("casework_imports:index"),
    "label": gettext_lazy("Data reconciliation"),
}


class ImportsMixin(WagtailAdminTemplateMixin):
    header_icon = "table"

    def dispatch(self, request, *args, **kwargs):
        if not self.has_access(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def has_access(self, user):
        return can_view_imports(user)

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, INDEX_CRUMB, {"url": "", "label": self.get_page_title()}]


class ImportIndexView(ImportsMixin, TemplateView):
    template_name = "casework/imports/index.html"
    page_title = gettext_lazy("Data reconciliation")

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs):
        batches = ImportBatch.objects.select_related("school", "uploaded_by")
        page = Paginator(batches, 50).get_page(self.request.GET.get("p"))
        return super().get_context_data(
            page=page,
            batches=page.object_list,
            can_upload=bool(import_kinds_for(self.request.user)),
            can_reconcile=can_reconcile(self.request.user),
            can_reconcile_own_roll=can_reconcile_own_roll(self.request.user),
            **kwargs,
        )


class ImportUploadView(ImportsMixin, FormView):
    template_name = "casework/imports/upload.html"
    page_title = gettext_lazy("Upload a list")
    form_class = ImportUploadForm

    def has_access(self, user):
        return bool(import_kinds_for(user))

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_context_data(self, **kwargs):
        kinds = import_kinds_for(self.request.user)
        templates = [(k.label, reverse("casework_imports:template", args=[k.value])) for k in kinds]
        return super().get_context_data(templates=templates, **kwargs)

    def form_invalid(self, form):
        form.keep_file()
        return super().form_invalid(form)

    def form_valid(self, form):
        upload = form.cleaned_data["file"]
        batch = ImportBatch(
            kind=form.cleaned_data["kind"],
            school=form.cleaned_data["school"],
            township=form.cleaned_data["township"],
            uploaded_by=self.request.user,
            original_name=upload.name[:255],
            sha256=file_sha256(upload),
        )
        batch.file.save(upload.name, upload, save=False)
        batch.save()
        start_reading(batch, self.request.user)
        return redirect("casework_imports:detail", pk=batch.pk)


#: Columns the preview shows in their own place, before the mapped ones.
SHOWN_FIELDS = {"name", "id_number"}


def preview_value(field, value):
    """A checked value as the preview shows it: words, not codes."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if field == "gender":
        return dict(Student.Gender.choices).get(value, value)
    if field == "birth_date":
        try:
            return chinese_date(datetime.date.fromisoformat(str(value)))
        except ValueError:
            return value
    return value


class ImportDetailView(ImportsMixin, TemplateView):
    """The import record: progress while it runs, then the preview or what was committed."""

    template_name = "casework/imports/detail.html"

    def dispatch(self, request, *args, **kwargs):
        if not can_view_imports(request.user):
            raise PermissionDenied
        # Scoped: another school's import is not found at all.
        batches = ImportBatch.objects.select_related("school", "uploaded_by", "committed_by")
        # A dead worker is told at once, not when the next sweep runs.
        interrupt_stale(batches.filter(pk=kwargs["pk"]))
        self.batch = get_object_or_404(batches, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return str(self.batch)

    def get_context_data(self, **kwargs):
        batch = self.batch
        show = self.request.GET.get("show") or ("refused" if batch.refused_rows else "accepted")
        rows = ImportRow.objects.filter(batch=batch, accepted=(show == "accepted"))
        page = Paginator(rows.order_by("row_number"), ROWS_PER_PAGE).get_page(
            self.request.GET.get("p")
        )
        earlier = batch.earlier_copies().filter(status=ImportBatch.Status.COMMITTED)
        # Every column read from the file, 年级 and 班级 too, as its own header names it.
        mapped = [(f, h) for f, h in (batch.columns or {}).items() if f not in SHOWN_FIELDS]
        rows = list(page.object_list)
        for row in rows:
            row.values = [preview_value(f, (row.data or {}).get(f)) for f, _h in mapped]
        return super().get_context_data(
            batch=batch,
            show=show,
            page=page,
            rows=rows,
            columns=batch.columns,
            mapped_headers=[h for _f, h in mapped],
            can_commit=batch.status == ImportBatch.Status.PREVIEW
            and batch.accepted_rows > 0
            and can_import(self.request.user, batch.kind, batch.school),
            can_restart=batch.status == ImportBatch.Status.INTERRUPTED
            and can_import(self.request.user, batch.kind, batch.school),
            earlier=earlier.order_by("-committed_at").first(),
            in_background=runs_in_background(batch),
            **kwargs,
        )


def _visible_batch(request, pk):
    if not can_view_imports(request.user):
        raise PermissionDenied
    return get_object_or_404(ImportBatch.objects, pk=pk)


@require_POST
def commit(request, pk):
    batch = _visible_batch(request, pk)
    if not can_import(request.user, batch.kind, batch.school):
        raise PermissionDenied
    try:
        start_commit(batch, request.user)
    except CommitRefused as refusal:
        messages.error(request, str(refusal))
    else:
        batch.refresh_from_db()
        if batch.status == ImportBatch.Status.COMMITTED:
            messages.success(
                request,
                _(
                    "Committed: %(created)d new, %(updated)d changed, %(unchanged)d already recorded."
                )
                % {
                    "created": batch.created_count,
                    "updated": batch.updated_count,
                    "unchanged": batch.unchanged_count,
                },
            )
        elif batch.status == ImportBatch.Status.PREVIEW:
            messages.error(request, batch.message)
    return redirect("casework_imports:detail", pk=batch.pk)


@require_POST
def restart(request, pk):
    """Read an interrupted import again from the file it kept."""
    batch = _visible_batch(request, pk)
    if not can_import(request.user, batch.kind, batch.school):
        raise PermissionDenied
    if restart_reading(batch, request.user):
        messages.success(request, _("The file is being read again."))
    else:
        messages.error(request, _("This import was not interrupted."))
    return redirect("casework_imports:detail", pk=batch.pk)


def download_template(request, kind):
    """A blank list of one kind, for whoever may upload that kind."""
    if kind not in import_kinds_for(request.user):
        raise PermissionDenied
    return FileResponse(
        BytesIO(template_workbook(kind)), as_attachment=True, filename=template_filename(kind)
    )


def download_file(request, pk):
    """The file exactly as it was received."""
    batch = _visible_batch(request, pk)
    if not batch.file:
        # Deleted when the retention period ended (casework.privacy).
        raise Http404
    log_export(
        request.user,
        _("file received with import #%(pk)d") % {"pk": batch.pk},
        row_count=batch.total_rows,
    )
    return FileResponse(batch.file.open("rb"), as_attachment=True, filename=batch.original_name)


def _since(request):
    try:
        return datetime.date.fromisoformat(request.GET.get("since") or request.POST.get("since"))
    except (TypeError, ValueError):
        return term_start()


class ReconcileView(ImportsMixin, TemplateView):
    template_name = "casework/imports/reconcile.html"
    page_title = gettext_lazy("Reconciliation by ID number")

    def has_access(self, user):
        return can_reconcile(user)

    def get_context_data(self, **kwargs):
        kind = self.request.GET.get("kind")
        kind = kind if kind in FindingKind.values else FindingKind.MISSED
        report = reconcile(self.request.user, since=_since(self.request))
        findings = report.findings[kind]
        page = Paginator(findings, ROWS_PER_PAGE).get_page(self.request.GET.get("p"))
        tabs = [
            {"kind": k, "label": k.label, "count": count, "active": k == kind}
            for k, count in report.counts().items()
        ]
        return super().get_context_data(
            report=report,
            kind=kind,
            kind_label=FindingKind(kind).label,
            tabs=tabs,
            page=page,
            findings=[(f, report.schools.get(f.school_id, "")) for f in page.object_list],
            openable=sum(1 for f in findings if not f.has_open_case),
            schools=School.objects.for_user(self.request.user),
            is_unaccounted=kind == FindingKind.UNACCOUNTED,
            **kwargs,
        )


class SchoolReconcileView(ImportsMixin, TemplateView):
    """A school manager's own reconciliation: the school's children and its township's unknowns."""

    template_name = "casework/imports/school_reconcile.html"
    page_title = gettext_lazy("Our roll against the lists")

    def has_access(self, user):
        return can_reconcile_own_roll(user)

    def get_context_data(self, **kwargs):
        # The user's own school, never one named in the request.
        school = get_object_or_404(
            School.objects.for_user(self.request.user), pk=school_id_of(self.request.user)
        )
        report = reconcile_school(school, since=_since(self.request))
        return super().get_context_data(report=report, **kwargs)


@require_POST
def open_cases_view(request):
    """Open cases for the chosen findings, or for every finding of one kind."""
    if not can_reconcile(request.user):
        raise PermissionDenied
    kind = request.POST.get("kind")
    if kind not in FindingKind.values:
        kind = FindingKind.MISSED
    since = _since(request)
    # The report is made again: only what is still found now becomes a case.
    report = reconcile(request.user, since=since)
    if request.POST.get("all"):
        findings = report.findings[kind]
    else:
        findings = report.select(request.POST.getlist("key"))
    school = None
    if request.POST.get("school"):
        school = School.objects.for_user(request.user).filter(pk=request.POST["school"]).first()
    back = f"{reverse('casework_imports:reconcile')}?kind={kind}&since={since.isoformat()}"
    if not findings:
        messages.warning(request, _("Nothing was chosen."))
        return redirect(back)
    try:
        result = open_cases(request.user, findings, school=school)
    except NoChecklistItem as missing:
        messages.error(
            request,
            _(
                "No case was opened: the responsibility checklist has no item %(numbers)s. "
                "Load the checklist first."
            )
            % {"numbers": "、".join(str(n) for n in missing.numbers)},
        )
        return redirect(back)
    messages.success(request, opened_message(result))
    if result.already_open:
        messages.info(
            request,
            _("%(count)d children already had an open case of that concern and were skipped.")
            % {"count": result.already_open},
        )
    if result.without_school:
        messages.warning(
            request,
            _(
                "%(count)d children were skipped: their township has no single school; "
                "choose the responsible school and open their cases again."
            )
            % {"count": result.without_school},
        )
    return redirect(back)


#: The new cases named, each a link, in the message after opening them.
LINKED_CASES = 10


def opened_message(result):
    """What was opened, with a link to each new case (the rows leave the report)."""
    text = _("%(count)d cases opened; the managers of %(schools)d schools were told by e-mail.") % {
        "count": len(result.cases),
        "schools": result.notified,
    }
    links = format_html_join(
        "、",
        '<a href="{}">{}</a>',
        ((case_file_url(c.pk), str(c)) for c in result.cases[:LINKED_CASES]),
    )
    more = len(result.cases) - LINKED_CASES
    if more > 0:
        links = format_html(
            '{} <a href="{}">{}</a>',
            links,
            case_list_url(),
            _("and %(count)d more in the case list") % {"count": more},
        )
    return format_html("{} {}", text, links) if result.cases else text


class ProbableMatchesView(ImportsMixin, TemplateView):
    """List rows that match nobody, beside the enrolled child they probably are."""

    template_name = "casework/imports/matches.html"
    page_title = gettext_lazy("Probable matches")

    def has_access(self, user):
        return can_reconcile(user)

    def post(self, request):
        from casework.reconciliation.matching import find_probable_matches

        count = find_probable_matches()
        messages.success(request, _("%(count)d new probable matches found.") % {"count": count})
        return redirect("casework_imports:matches")

    def get_context_data(self, **kwargs):
        from casework.models import ProbableMatch

        matches = ProbableMatch.objects.for_user(self.request.user).select_related(
            "entry", "row__batch", "student__school", "decided_by"
        )
        return super().get_context_data(
            open_matches=matches.filter(state=ProbableMatch.State.OPEN)[:200],
            decided=matches.exclude(state=ProbableMatch.State.OPEN).order_by("-decided_at")[:50],
            **kwargs,
        )


@require_POST
def decide_match(request, pk):
    from casework.models import ProbableMatch
    from casework.reconciliation.matching import decide

    if not can_reconcile(request.user):
        raise PermissionDenied
    match = get_object_or_404(ProbableMatch.objects.for_user(request.user), pk=pk)
    confirmed = request.POST.get("action") == "confirm"
    if decide(match, request.user, confirmed):
        messages.success(
            request,
            _("Confirmed: the list now carries the child's ID number.")
            if confirmed
            else _("Rejected: not the same child."),
        )
    return redirect("casework_imports:matches")
