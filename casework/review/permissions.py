"""Who may act on a case file review, built on ``casework.access.rules``."""

from casework.access.roles import Role
from casework.access.rules import is_bureau, roles_of, school_id_of
from casework.review.models import CaseReview


def can_see_reviews(user):
    """Bureau staff, and the staff of a school (their school's reviews only, by scope)."""
    return is_bureau(user) or school_id_of(user) is not None


def can_review(user, review):
    """The assigned reviewer writes and closes the review (a superuser stands in)."""
    return user.is_superuser or (review.reviewer_id is not None and review.reviewer_id == user.pk)


def can_answer(user, review):
    """The school's case manager answers the review for the school."""
    return (
        review.status == CaseReview.Status.REVIEWED
        and Role.MANAGER in roles_of(user)
        and school_id_of(user) == review.school_id
    )
