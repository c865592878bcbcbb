"""Public search over published pages only; case data is never indexed for the public."""

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from wagtail.models import Page

from .chinese_search import excerpt, is_searchable, searchable_text

#: Longer than any title a citizen would paste in; beyond it a query is a mistake or an attack.
MAX_QUERY_LENGTH = 50
RESULTS_PER_PAGE = 10


def search(request):
    """Pages holding every word of the query, each with an excerpt marking the words."""
    query = " ".join(request.GET.get("query", "").split())
    context = {"query": query[:MAX_QUERY_LENGTH], "searched": False}
    if "query" not in request.GET:
        return TemplateResponse(request, "home/search.html", context)
    if not query:
        context["error"] = _("Please enter the words you are looking for.")
    elif len(query) > MAX_QUERY_LENGTH:
        context["error"] = _(
            "The search words are too long: please use at most %(max)d characters."
        ) % {"max": MAX_QUERY_LENGTH}
    elif not is_searchable(query):
        context["error"] = _("Please search with Chinese characters, letters or digits.")
    if "error" in context:
        return TemplateResponse(request, "home/search.html", context)

    results = Page.objects.live().public().specific().search(query, operator="and")
    paginator = Paginator(results, RESULTS_PER_PAGE)
    try:
        page = paginator.page(request.GET.get("page", 1))
    except PageNotAnInteger:
        page = paginator.page(1)
    except EmptyPage:
        page = paginator.page(paginator.num_pages)
    hits = [{"page": result, "excerpt": excerpt(searchable_text(result), query)} for result in page]
    context.update(searched=True, results=page, hits=hits, count=paginator.count)
    return TemplateResponse(request, "home/search.html", context)
