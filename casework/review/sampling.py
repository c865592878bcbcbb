"""The monthly draw of case files to review: seeded, so the same month draws the same files."""

import datetime
import logging
import random

from django.db import transaction
from django.db.models import Count, Q

from casework.access.roles import Role, users_with_role
from casework.conf import conf
from casework.models import Case, School
from casework.review.models import CaseReview, step_deadline

logger = logging.getLogger(__name__)


def seed_for(month, school):
    """The draw's seed: the site's seed text, the month and the school's id."""
    return f"{conf.REVIEW_SEED}:{month:%Y-%m}:{school.pk}"


def pool(school, month):
    """The files a school's draw picks from: open cases and those closed off recently."""
    since = month - datetime.timedelta(days=conf.REVIEW_RECENT_CLOSED_DAYS)
    return (
        Case.objects.filter(student__school=school, opened_on__lt=month)
        .filter(~Q(status=Case.Status.CLOSED) | Q(closed_on__gte=since))
        .order_by("pk")
    )


def pick(cases, seed, size):
    """``size`` cases picked at random with ``seed``, in the order drawn."""
    ids = list(cases.values_list("pk", flat=True))
    return random.Random(seed).sample(ids, min(size, len(ids)))


def reviewers_for(item):
    """Office staff of the item's responsible offices, the least loaded first."""
    return list(
        users_with_role(Role.OFFICE)
        .filter(casework_profile__office__name__in=item.office_list)
        .annotate(
            load=Count("case_reviews", filter=~Q(case_reviews__status=CaseReview.Status.CLOSED))
        )
        .order_by("load", "username")
    )


def draw(month, size=None, today=None):
    """Draw the month's sample in every school; a file already drawn this month is kept.

    Returns the reviews created. Runs in the caller's scope (the system's, for the schedule).
    """
    month = month.replace(day=1)
    size = conf.REVIEW_SAMPLE_SIZE if size is None else size
    today = today or month
    created = []
    with transaction.atomic():
        for school in School.objects.order_by("pk"):
            seed = seed_for(month, school)
            drawn = pick(pool(school, month), seed, size)
            logger.info("review draw %s: seed %r drew cases %s", school.name, seed, drawn)
            cases = Case.objects.select_related("checklist_item").in_bulk(drawn)
            for pk in drawn:
                case = cases[pk]
                if CaseReview.objects.filter(case=case, month=month).exists():
                    continue
                reviewers = reviewers_for(case.checklist_item)
                created.append(
                    CaseReview.objects.create(
                        case=case,
                        school=school,
                        checklist_item=case.checklist_item,
                        month=month,
                        seed=seed,
                        reviewer=reviewers[0] if reviewers else None,
                        due_on=step_deadline(today),
                    )
                )
    return created
