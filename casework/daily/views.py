"""The quick visit form: a home visit logged from a phone in under a minute."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django.views.generic import FormView
from wagtail.actions.create import CreateAction
from wagtail.admin.utils import get_valid_next_url_from_request
from wagtail.admin.views.generic import WagtailAdminTemplateMixin

from casework.access.rules import can_log_visit
from casework.choices import NEXT_VISIT_DAYS, ChildState
from casework.daily.forms import QuickVisitForm
from casework.daily.models import Reminder
from casework.dates import chinese_date
from casework.links import case_file_url
from casework.models import Case, HomeVisit, next_visit_suggestion
from casework.people import display_name


def safe_next_url(request, fallback):
    """Where the user came from, if it is on this site; else ``fallback``."""
    return get_valid_next_url_from_request(request) or fallback


class QuickVisitView(WagtailAdminTemplateMixin, FormView):
    form_class = QuickVisitForm
    template_name = "casework/visits/quick_visit.html"
    page_title = gettext_lazy("Log a visit")
    header_icon = "calendar-check"

    def dispatch(self, request, pk):
        if not can_log_visit(request.user):
            raise PermissionDenied
        # The scoped manager: another school's case is not found.
        self.case = get_object_or_404(Case.objects.with_file(), pk=pk)
        self.case_url = case_file_url(self.case.pk)
        self.next_url = safe_next_url(request, self.case_url or reverse("wagtailadmin_home"))
        if self.case.status == Case.Status.CLOSED:
            messages.error(request, _("This case is closed off; reopen it to log a visit."))
            return redirect(self.next_url)
        return super().dispatch(request, pk)

    def get_page_subtitle(self):
        return self.case.student.name

    def get_breadcrumbs_items(self):
        items = [*super().get_breadcrumbs_items()]
        if self.case_url:
            items.append({"url": self.case_url, "label": str(self.case)})
        return [*items, {"url": "", "label": self.get_page_title()}]

    def last_visit(self):
        return self.case.visits.order_by("-visited_on", "-created_at").first()

    def get_initial(self):
        last = self.last_visit()
        return {
            "visited_on": timezone.localdate(),
            "visitors": display_name(self.request.user),
            "child_state": last.child_state if last else ChildState.IN_SCHOOL,
            "next_visit_due": next_visit_suggestion(self.case.risk),
        }

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = HomeVisit(case=self.case, created_by=self.request.user)
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            case=self.case,
            last_visit=self.last_visit(),
            next_url=self.next_url,
            suggestion_days=NEXT_VISIT_DAYS.get(self.case.risk, 14),
        )
        return context

    def form_valid(self, form):
        visit = CreateAction(form.instance, user=self.request.user, form=form).execute(
            skip_permission_checks=True
        )
        form.save_evidence(visit, self.request.user)
        self.case.refresh_next_visit_due()
        if self.case.next_visit_due:
            message = _("Visit to %(name)s on %(date)s saved. Next visit due %(due)s.") % {
                "name": self.case.student.name,
                "date": chinese_date(visit.visited_on),
                "due": chinese_date(self.case.next_visit_due),
            }
        else:
            message = _("Visit to %(name)s on %(date)s saved.") % {
                "name": self.case.student.name,
                "date": chinese_date(visit.visited_on),
            }
        messages.success(self.request, message)
        return redirect(self.next_url)


@require_POST
def dismiss_reminder(request, pk):
    reminder = get_object_or_404(Reminder.objects.filter(user=request.user), pk=pk)
    reminder.dismissed_at = timezone.now()
    reminder.save(update_fields=["dismissed_at"])
    return redirect(safe_next_url(request, "wagtailadmin_home"))
