from django.utils import timezone

from casework.access.tasks import system_task
from casework.review.sampling import draw


@system_task
def draw_monthly_sample():
    """The month's 督导抽查 sample, drawn for every school on the first of the month."""
    today = timezone.localdate()
    return len(draw(today, today=today))
