from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from casework.viewsets import CaseViewSet

from .models import Row


class RowViewSet(SnippetViewSet):
    model = Row
    list_display = ["name", "number", "opened_on"]
    # As many rows a page as the case list it is compared with.
    list_per_page = CaseViewSet.list_per_page


register_snippet(RowViewSet)
