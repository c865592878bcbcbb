"""The field pages: the app shell, the teacher's list as data, the service worker, the manifest
and the endpoint the queue sends visits to."""

import hashlib
import json

from django.contrib.staticfiles import finders
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import get_template, render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from casework.access.rules import can_log_visit
from casework.campaign.forms import CampaignVisitForm
from casework.campaign.models import Household, group_households, this_term
from casework.choices import NEXT_VISIT_DAYS, OUT_OF_SCHOOL, ChildState, RiskLevel
from casework.daily.dashboard import this_week, with_last_state
from casework.daily.forms import QuickVisitForm
from casework.models import Case, Student
from casework.offline.sync import sync_visit
from casework.offline.texts import TEXTS
from casework.people import display_name

#: What the service worker keeps besides the shell: the files the shell needs, nothing else.
STATIC_FILES = [
    "casework/offline/field.css",
    "casework/offline/queue.js",
    "casework/offline/field.js",
    "casework/evidence/signature.js",
    "casework/offline/icon-192.png",
    "casework/offline/icon-512.png",
]


def require_field_user(view):
    def wrapped(request, *args, **kwargs):
        if not can_log_visit(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


def field_urls():
    return {
        "shell": reverse("casework_offline_field"),
        "data": reverse("casework_offline_data"),
        "sync": reverse("casework_offline_sync"),
        "worker": reverse("casework_offline_worker"),
        "manifest": reverse("casework_offline_manifest"),
        "dashboard": reverse("wagtailadmin_home"),
        "login": reverse("wagtailadmin_login"),
        "logout": reverse("wagtailadmin_logout"),
    }


@never_cache
@require_GET
@require_field_user
def field(request):
    """The app shell: the list and the form, filled in on the phone from the cached list."""
    form = QuickVisitForm(initial={"visitors": display_name(request.user)})
    # The campaign form's own fields; its ids differ from the case form's on the same page.
    campaign_form = CampaignVisitForm(auto_id="id_cmp_%s")
    return render(
        request,
        "casework/offline/field.html",
        {
            "form": form,
            "campaign_form": campaign_form,
            "urls": field_urls(),
            "config": {
                "urls": field_urls(),
                "user": request.user.pk,
                "visitors": display_name(request.user),
                "outOfSchool": OUT_OF_SCHOOL,
                "inSchool": ChildState.IN_SCHOOL,
                "mediumRisk": RiskLevel.MEDIUM,
            },
            "texts": {key: str(text) for key, text in TEXTS.items()},
        },
    )


def case_row(case, today, week_end):
    """Only what the list and the form need: no ID number, no address, no guardian."""
    student = case.student
    return {
        "id": case.pk,
        "name": student.name,
        "class": f"{student.grade}{student.class_name}",
        "concern": case.get_concern_display(),
        "risk": case.get_risk_display(),
        "next_visit_due": case.next_visit_due.isoformat() if case.next_visit_due else None,
        "overdue": bool(case.next_visit_due and case.next_visit_due < today),
        "due_this_week": bool(case.next_visit_due and today <= case.next_visit_due <= week_end),
        "last_state": case.last_state or "",
        "suggestion_days": NEXT_VISIT_DAYS.get(case.risk, 14),
    }


def household_rows(user):
    """The campaign households assigned to ``user`` not yet visited at home this term, as the
    campaign form needs them: the children's names and classes and the registered village.
    No ID number, no address, no guardian, no phone. The same scope as the online list."""
    group_households(Student.objects.for_user(user))
    households = (
        Household.objects.for_user(user)
        .assigned_to(user)
        .not_visited_since(this_term())
        .prefetch_related("students")
    )
    rows = []
    for household in households:
        children = [
            {"id": s.pk, "name": s.name, "class": f"{s.grade}{s.class_name}"}
            for s in household.students.all()
            if s.school_id == household.school_id
        ]
        if children:
            rows.append({"id": household.pk, "village": household.village, "children": children})
    return rows


@never_cache
@require_GET
@require_field_user
def data(request):
    """The teacher's open cases, for the phone to keep: their own, at their own school."""
    today = timezone.localdate()
    _start, week_end = this_week(today)
    cases = (
        with_last_state(Case.objects.for_user(request.user).filter(teacher=request.user).open())
        .select_related("student")
        .order_by("next_visit_due", "pk")
    )
    return JsonResponse(
        {
            "refreshed_at": timezone.now().isoformat(),
            "user": request.user.pk,
            "cases": [case_row(case, today, week_end) for case in cases],
            "households": household_rows(request.user),
        },
        json_dumps_params={"ensure_ascii": False},
    )


def worker_version(static_urls):
    """Changes whenever the shell's template or one of its files changes, so phones update."""
    digest = hashlib.sha256()
    for name in ["casework/offline/field.html", *static_urls]:
        digest.update(name.encode())
    for path in STATIC_FILES:
        found = finders.find(path)
        if found:
            with open(found, "rb") as f:
                digest.update(f.read())
    for name in ("casework/offline/field.html", "casework/offline/_fields.html"):
        with open(get_template(name).origin.name, "rb") as f:
            digest.update(f.read())
    return digest.hexdigest()[:12]


@require_GET
@require_field_user
def worker(request):
    """The service worker, served from the field pages' own path: its scope is those pages only."""
    static_urls = [static(path) for path in STATIC_FILES]
    urls = field_urls()
    script = render_to_string(
        "casework/offline/sw.js",
        {
            "config": json.dumps(
                {
                    "version": worker_version(static_urls),
                    "shell": urls["shell"],
                    "static": static_urls,
                }
            ),
        },
    )
    response = HttpResponse(script, content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    return response


@require_GET
@require_field_user
def manifest(request):
    shell = reverse("casework_offline_field")
    return JsonResponse(
        {
            "name": _("Home visits (offline)"),
            "short_name": _("Home visits"),
            "lang": "zh-Hans",
            "start_url": shell,
            "scope": shell,
            "display": "standalone",
            "background_color": "#ffffff",
            "theme_color": "#007d7e",
            "icons": [
                {
                    "src": static("casework/offline/icon-192.png"),
                    "sizes": "192x192",
                    "type": "image/png",
                },
                {
                    "src": static("casework/offline/icon-512.png"),
                    "sizes": "512x512",
                    "type": "image/png",
                },
            ],
        },
        content_type="application/manifest+json",
        json_dumps_params={"ensure_ascii": False},
    )


@require_POST
def sync(request):
    """One visit from the phone's queue; the answer says whether the phone may drop it."""
    if not can_log_visit(request.user):
        return JsonResponse(
            {"status": "forbidden", "message": _("You may not log home visits.")}, status=403
        )
    outcome = sync_visit(request.user, request.POST, request.FILES)
    return JsonResponse(
        outcome.as_json(), status=outcome.http_status, json_dumps_params={"ensure_ascii": False}
    )
