"""督导抽查 screens: the list of sampled files and a review's page, one step at a time."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.views.generic import WagtailAdminTemplateMixin

from casework.access.audit import log_export
from casework.links import case_file_url
from casework.review.export import review_rows, review_workbook
from casework.review.forms import AnswerForm, CloseForm, ReviewFilterForm, ReviewForm
from casework.review.models import CaseReview, step_deadline
from casework.review.permissions import can_answer, can_review, can_see_reviews


class ReviewMixin(WagtailAdminTemplateMixin):
    header_icon = "tasks"

    def dispatch(self, request, *args, **kwargs):
        if not can_see_reviews(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def reviews(self):
        return CaseReview.objects.for_user(self.request.user).select_related(
            "case__student", "school", "checklist_item", "reviewer"
        )


class ReviewIndexView(ReviewMixin, TemplateView):
    template_name = "casework/review/index.html"
    page_title = gettext_lazy("Case file reviews")
    #: The list shows this many; the export has every row the filters leave.
    shown = 500

    def filtered(self):
        self.filters = ReviewFilterForm(self.request.GET or None, user=self.request.user)
        reviews = self.reviews().order_by("-month", "status", "due_on", "school__name", "pk")
        if not self.request.GET:
            return reviews
        return self.filters.filter(reviews, timezone.localdate())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        reviews = self.filtered()
        query = self.request.GET.urlencode()
        context.update(
            reviews=reviews[: self.shown],
            total=reviews.count(),
            filters=self.filters,
            mine=self.filters.is_bound
            and self.filters.is_valid()
            and self.filters.cleaned_data["mine"],
            export_url=reverse("casework_review_export") + (f"?{query}" if query else ""),
            today=timezone.localdate(),
        )
        return context


class ReviewExportView(ReviewIndexView):
    """导出: the filtered list as a spreadsheet, logged with who, the filters and the rows."""

    XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

    def get(self, request, *args, **kwargs):
        reviews = self.filtered()
        if self.filters.is_bound and not self.filters.is_valid():
            messages.error(request, _("The list could not be exported: check its filters."))
            return redirect(reverse("casework_review_index") + f"?{request.GET.urlencode()}")
        today = timezone.localdate()
        heading, rows = review_rows(reviews, request.user, today)
        log_export(
            request.user, "case file reviews", filters=self.filters.applied(), row_count=len(rows)
        )
        response = HttpResponse(review_workbook(heading, rows), content_type=self.XLSX)
        response["Content-Disposition"] = content_disposition_header(
            True, f"{_('Case file reviews')}-{today:%Y%m%d}.xlsx"
        )
        return response


class ReviewView(ReviewMixin, TemplateView):
    """A review's page: the reviewer reviews, the school answers, the reviewer closes."""

    template_name = "casework/review/review.html"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        # Another school's review by URL is not found, like any scoped record.
        self.review = get_object_or_404(self.reviews(), pk=kwargs["pk"])

    def get_page_title(self):
        return str(self.review)

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("casework_review_index"), "label": ReviewIndexView.page_title},
            {"url": "", "label": self.get_page_title()},
        ]

    def step(self):
        """The form the user may fill now, and its name, or (None, None)."""
        review, user = self.review, self.request.user
        if review.status == CaseReview.Status.ASSIGNED and can_review(user, review):
            return "review", ReviewForm
        if can_answer(user, review):
            return "answer", AnswerForm
        if review.status == CaseReview.Status.ANSWERED and can_review(user, review):
            return "close", CloseForm
        return None, None

    def get_context_data(self, form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        step, form_class = self.step()
        if form is None and form_class:
            form = form_class(instance=self.review)
        context.update(
            review=self.review,
            step=step,
            form=form,
            case_url=case_file_url(self.review.case_id),
            today=timezone.localdate(),
        )
        return context

    def post(self, request, *args, **kwargs):
        step, form_class = self.step()
        if form_class is None:
            raise PermissionDenied
        form = form_class(request.POST, instance=self.review)
        if not form.is_valid():
            messages.error(request, _("The review could not be saved: see the fields below."))
            return self.render_to_response(self.get_context_data(form=form))
        review = form.save(commit=False)
        today = timezone.localdate()
        if step == "review":
            review.status = CaseReview.Status.REVIEWED
            review.reviewed_on = today
            review.due_on = step_deadline(today)
            message = _("Review saved; the school is asked to answer it.")
        elif step == "answer":
            review.status = CaseReview.Status.ANSWERED
            review.answered_on = today
            review.answered_by = request.user
            review.due_on = step_deadline(today)
            message = _("Answer sent to the reviewer.")
        else:
            review.status = CaseReview.Status.CLOSED
            review.closed_on = today
            message = _("Review closed.")
        review.save()
        messages.success(request, message)
        return redirect("casework_review_detail", review.pk)
