"""To do (daily work): the home visits due within a week on the cases paired with the user."""

import datetime
from urllib.parse import urlencode

from django.db.models import Count, Min
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from casework.access.roles import Role
from casework.access.rules import can_log_visit, roles_of, works_at_a_school
from casework.links import case_list_url, quick_visit_url
from casework.models import Case
from casework.todo.items import KIND_LIMIT, Todo

#: A visit due within this many days is on the list, as "due this week" on the dashboard.
DAYS_AHEAD = 6


def visits_due(user, today):
    """One item per own case whose next visit is due within a week (or overdue), two queries;
    for a school manager, one more item: the school's other overdue visits, counted."""
    if not (can_log_visit(user) and works_at_a_school(user)):
        return []
    horizon = today + datetime.timedelta(days=DAYS_AHEAD)
    mine = (
        Case.objects.for_user(user)
        .open()
        .filter(teacher=user, next_visit_due__lte=horizon)
        .select_related("student")
        .order_by("next_visit_due", "pk")
    )
    items = [
        Todo(
            title=_("Home visit: %(name)s") % {"name": case.student.name},
            # Back to the dashboard after saving, where the rest of the list waits.
            url=quick_visit_url(case.pk, reverse("wagtailadmin_home")),
            action=_("Log a home visit"),
            deadline=case.next_visit_due,
        )
        for case in mine[:KIND_LIMIT]
    ]
    if Role.MANAGER in roles_of(user):
        others = (
            Case.objects.for_user(user)
            .overdue(today)
            .exclude(teacher=user)
            .aggregate(count=Count("id"), since=Min("next_visit_due"))
        )
        if others["count"] and (url := case_list_url()):
            items.append(
                Todo(
                    title=_("%(count)s visits of the school are overdue") % others,
                    url=f"{url}?{urlencode({'overdue': 'true'})}",
                    action=pgettext("todo", "See them"),
                    # The longest overdue of them.
                    deadline=others["since"],
                )
            )
    return items
