"""督导抽查 figures other features read: the monthly report's 督查 sentence, per item.

A function, not a view, so that ``casework.monthly`` depends on the review's data only.
"""

from django.db.models import Avg, Count, Q

from casework.review.models import CaseReview


def month_review_figures(start, end, user=None):
    """Per checklist item (its pk), the reviews of the sample drawn for the month, as they stood
    at the month's end. One query, whatever the number of items.

    Only the reviews ``user`` may see count (every school's outside a request). Counted as of
    ``end`` so that a month's figures do not move when a review is answered later:

    - *drawn*: files of the item drawn in the month's sample;
    - *closed*: of those, closed by the reviewer by the month's end;
    - *score*: their average score, rounded, over the files reviewed by the month's end;
    - *unanswered*: reviewed by the month's end and not answered by the school by then.
    """
    reviews = CaseReview.objects.for_user(user) if user is not None else CaseReview.objects.all()
    reviewed = Q(reviewed_on__lte=end)
    rows = (
        reviews.filter(month=start)
        .values("checklist_item")
        .annotate(
            drawn=Count("id"),
            closed=Count("id", filter=Q(closed_on__lte=end)),
            average=Avg("score", filter=reviewed & Q(score__isnull=False)),
            unanswered=Count(
                "id", filter=reviewed & (Q(answered_on__isnull=True) | Q(answered_on__gt=end))
            ),
        )
        .order_by()
    )
    return {
        row["checklist_item"]: {
            "drawn": row["drawn"],
            "closed": row["closed"],
            "score": round(row["average"]) if row["average"] is not None else None,
            "unanswered": row["unanswered"],
        }
        for row in rows
    }


NO_REVIEWS = {"drawn": 0, "closed": 0, "score": None, "unanswered": 0}
