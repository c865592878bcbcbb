"""督导抽查 figures other features read: the monthly report's 督查 sentence, per item.

A function, not a view, so that ``casework.monthly`` depends on the review's data only.
"""

from django.db.models import Avg

from casework.review.models import CaseReview


def month_review_figures(item, start, end, user=None):
    """The reviews of the sample drawn for the month, as they stood at the month's end.

    Only the reviews ``user`` may see count (every school's outside a request). Counted as of ``end`` so that a
    month's figures do not move when a review is answered later:

    - *drawn*: files of the item drawn in the month's sample;
    - *closed*: of those, closed by the reviewer by the month's end;
    - *score*: their average score, rounded, over the files reviewed by the month's end;
    - *unanswered*: reviewed by the month's end and not answered by the school by then.
    """
    reviews = CaseReview.objects.for_user(user) if user is not None else CaseReview.objects.all()
    sample = reviews.filter(checklist_item=item, month=start)
    reviewed = sample.filter(reviewed_on__lte=end)
    average = reviewed.filter(score__isnull=False).aggregate(avg=Avg("score"))["avg"]
    return {
        "drawn": sample.count(),
        "closed": sample.filter(closed_on__lte=end).count(),
        "score": round(average) if average is not None else None,
        "unanswered": reviewed.exclude(answered_on__lte=end).count(),
    }
