"""Keeps the search index of the checklist page in step with the checklist items it shows."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from wagtail.search.index import insert_or_update_object

from casework.models import ChecklistCategory, ChecklistItem


@receiver(post_save, sender=ChecklistItem)
@receiver(post_delete, sender=ChecklistItem)
@receiver(post_save, sender=ChecklistCategory)
def reindex_checklist_pages(sender, **kwargs):
    # The offices fill the rows every month; the page itself is not saved when they do.
    from .models import ChecklistPage

    for page in ChecklistPage.objects.live():
        insert_or_update_object(page)
