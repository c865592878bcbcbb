from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import Row


class RowViewSet(SnippetViewSet):
    model = Row
    list_display = ["name", "number", "opened_on"]
    list_per_page = 20


register_snippet(RowViewSet)
