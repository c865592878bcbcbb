"""Chinese word search on Wagtail's database backend, SQLite (FTS5) and PostgreSQL alike.

Neither SQLite's tokenizer nor PostgreSQL's parser splits a run of Chinese characters into
words: everything between two punctuation marks is one token, so 资助 never matches
"资助政策是否享受到位". The indexed text and the query are therefore turned here into
space-separated tokens before the database sees them, two kinds of each:

- the words of jieba's search mode (and the shorter words inside long ones), which rank;
- every two adjacent characters of a Chinese run, so that a term jieba cuts one way in a
  sentence and another way alone (大武口, 教体) still finds the page.

A query matches a page holding all its words, or all its character pairs.

Settings: ``WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "home.chinese_search"}}``.
"""

import logging
import re
import types
from functools import cache

import jieba
from django.utils.encoding import force_str
from django.utils.html import escape
from django.utils.safestring import mark_safe
from modelsearch.backends import database
from modelsearch.index import SearchField
from modelsearch.query import MATCH_NONE, And, Boost, Not, Or, Phrase, PlainText

# jieba announces loading its dictionary on the root logger's stderr otherwise.
jieba.setLogLevel(logging.WARNING)

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
#: A run of Chinese characters, or a run of other letters and digits.
_RUN = re.compile(rf"[{_CJK}]+|[^\W{_CJK}]+")
_CJK_RUN = re.compile(rf"[{_CJK}]+")
_TOKEN = re.compile(r"\w+")


def words(text):
    """The words of the text, by jieba's search mode, without punctuation or spaces."""
    return [w for w in jieba.cut_for_search(text) if _TOKEN.fullmatch(w)]


def pairs(text):
    """Each two adjacent characters of every Chinese run; other words as they are."""
    tokens = []
    for run in _RUN.findall(text):
        if _CJK_RUN.fullmatch(run) and len(run) > 1:
            tokens += [run[i : i + 2] for i in range(len(run) - 1)]
        else:
            tokens.append(run)
    return tokens


def tokens_for_index(text):
    """What the database indexes for a text: its words, then its character pairs."""
    return " ".join(words(text) + pairs(text))


def is_searchable(text):
    """True if the text has something to search for (not only punctuation and spaces)."""
    return bool(_TOKEN.search(text.replace("_", "")))


def segment_query(query, operator=None):
    """The query (a string or a query object) with its text cut into tokens."""
    if isinstance(query, str):
        query = PlainText(query, operator=operator or "and")
    if isinstance(query, (PlainText, Phrase)):
        text = query.query_string
        # A phrase's words must all be there; adjacency is beyond what the pairs can say.
        operator = query.operator if isinstance(query, PlainText) else "and"
        by_words, by_pairs = words(text), pairs(text)
        if not by_words and not by_pairs:
            return MATCH_NONE
        if by_words == by_pairs or not by_pairs:
            return PlainText(" ".join(by_words), operator=operator)
        return Or(
            [
                PlainText(" ".join(by_words), operator=operator),
                PlainText(" ".join(by_pairs), operator=operator),
            ]
        )
    if isinstance(query, (And, Or)):
        return type(query)([segment_query(q, operator) for q in query.subqueries])
    if isinstance(query, Not):
        return Not(segment_query(query.subquery, operator))
    if isinstance(query, Boost):
        return Boost(segment_query(query.subquery, operator), query.boost)
    return query


def _flatten(value, separator=", "):
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return separator.join(_flatten(item, separator) for item in value)
    if isinstance(value, dict):
        return separator.join(_flatten(item, separator) for item in value.values())
    return force_str(value)


class SegmentingIndexerMixin:
    """Indexes each field's text as tokens (see ``tokens_for_index``)."""

    def prepare_value(self, value):
        return tokens_for_index(_flatten(value))


def _global_names(code):
    """The names a function's code (its comprehensions included) looks up."""
    names = set(code.co_names)
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            names |= _global_names(const)
    return names


def _segmenting_index(index_class):
    """The backend's index class, building a segmenting indexer where it builds its own.

    modelsearch offers no hook for the object indexer that ``add_items`` builds; rather than fork
    ``add_items``, it runs here with ``ObjectIndexer`` bound to a segmenting subclass.
    """
    add_items = index_class.add_items
    if "ObjectIndexer" not in _global_names(add_items.__code__):
        raise ImportError(f"{index_class.__name__}.add_items builds no ObjectIndexer any more")
    namespace = dict(add_items.__globals__)
    namespace["ObjectIndexer"] = type(
        "SegmentingObjectIndexer", (SegmentingIndexerMixin, namespace["ObjectIndexer"]), {}
    )
    segmenting_add_items = types.FunctionType(
        add_items.__code__,
        namespace,
        add_items.__name__,
        add_items.__defaults__,
        add_items.__closure__,
    )
    return type(
        f"Segmenting{index_class.__name__}", (index_class,), {"add_items": segmenting_add_items}
    )


class ChineseQueryMixin:
    """Cuts the query of ``search()`` and ``autocomplete()`` as the index was cut."""

    def search(self, query, model_or_queryset, fields=None, operator=None, **kwargs):
        if query != "":
            query = segment_query(query, operator)
        return super().search(query, model_or_queryset, fields, operator, **kwargs)

    def autocomplete(self, query, model_or_queryset, fields=None, operator=None, **kwargs):
        if query != "":
            query = segment_query(query, operator)
        return super().autocomplete(query, model_or_queryset, fields, operator, **kwargs)


@cache
def _chinese_backend_class(backend_class):
    attrs = {}
    add_items = getattr(getattr(backend_class, "index_class", None), "add_items", None)
    # The SQLite, PostgreSQL and MySQL indexes have an ObjectIndexer; the fallback has no index.
    if add_items is not None and "ObjectIndexer" in add_items.__globals__:
        attrs["index_class"] = _segmenting_index(backend_class.index_class)
    return type(f"Chinese{backend_class.__name__}", (ChineseQueryMixin, backend_class), attrs)


def SearchBackend(params):
    """Wagtail's database backend for this database, with Chinese words."""
    backend = database.SearchBackend(params)
    return _chinese_backend_class(type(backend))(params)


def searchable_text(obj):
    """The plain text an object is searched by, title excluded (for the results' excerpts)."""
    parts = []
    for field in obj.get_search_fields():
        if isinstance(field, SearchField) and field.field_name != "title":
            value = field.get_value(obj)
            if value:
                parts.append(_flatten(value, separator=" "))
    return "\n".join(parts)


def excerpt(text, query, width=60):
    """About ``width`` characters of the text around the query's first match, marked up."""
    text = " ".join(text.split())
    terms = sorted({query, *(w for w in words(query) if len(w) > 1)}, key=len, reverse=True)
    terms = [t for t in terms if t.strip()]
    found = [(text.find(t), t) for t in terms if t in text]
    start = 0
    if found:
        # The whole query if it is there, else its longest word.
        position = next((p for p, t in found if t == query), None)
        if position is None:
            position = text.find(max((t for _, t in found), key=len))
        start = max(0, position - width // 3)
    snippet = text[start : start + width]
    if not snippet:
        return ""
    pattern = re.compile("|".join(re.escape(t) for t in terms)) if terms else None
    html, last = [], 0
    for match in pattern.finditer(snippet) if pattern else ():
        html.append(escape(snippet[last : match.start()]))
        html.append(f"<mark>{escape(match.group())}</mark>")
        last = match.end()
    html.append(escape(snippet[last:]))
    prefix = "…" if start > 0 else ""
    suffix = "…" if start + width < len(text) else ""
    return mark_safe(prefix + "".join(html) + suffix)  # every piece is escaped above
