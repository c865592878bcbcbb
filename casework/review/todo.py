"""To do (case file reviews): reviews to write or close (reviewer), to answer (school)."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from casework.access.roles import Role
from casework.access.rules import roles_of, works_at_a_school
from casework.review.models import CaseReview
from casework.todo.items import KIND_LIMIT, Todo


def _item(review, title, action):
    return Todo(
        title=title % {"name": review.case.student.name},
        url=reverse("casework_review_detail", args=[review.pk]),
        action=action,
        deadline=review.due_on,
    )


def reviews_to_act_on(user, today):
    """The reviewer's open reviews, and a school manager's reviews awaiting the school's
    answer; one query each."""
    reviews = CaseReview.objects.for_user(user).select_related("case__student")
    items = []
    mine = reviews.filter(
        reviewer=user, status__in=[CaseReview.Status.ASSIGNED, CaseReview.Status.ANSWERED]
    ).order_by("due_on", "pk")
    for review in mine[:KIND_LIMIT]:
        if review.status == CaseReview.Status.ASSIGNED:
            items.append(
                _item(review, _("Review the case file of %(name)s"), pgettext("todo", "Review it"))
            )
        else:
            items.append(
                _item(review, _("Close the review of %(name)s"), pgettext("todo", "Close it"))
            )
    if Role.MANAGER in roles_of(user) and works_at_a_school(user):
        for review in reviews.unanswered().order_by("due_on", "pk")[:KIND_LIMIT]:
            items.append(
                _item(
                    review,
                    _("Answer the review of %(name)s's case file"),
                    pgettext("todo", "Answer"),
                )
            )
    return items
