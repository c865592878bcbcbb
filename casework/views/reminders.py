"""Dismissing an overdue-visit reminder shown on the dashboard."""

from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.views.decorators.http import require_POST

from ..models import Reminder
from .visits import safe_next_url


@require_POST
def dismiss_reminder(request, pk):
    reminder = get_object_or_404(Reminder.objects.filter(user=request.user), pk=pk)
    reminder.dismissed_at = timezone.now()
    reminder.save(update_fields=["dismissed_at"])
    return redirect(safe_next_url(request, "wagtailadmin_home"))
