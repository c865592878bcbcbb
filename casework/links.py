"""Admin URLs of casework screens, reversed when a request needs them."""

from urllib.parse import urlencode

from django.urls import NoReverseMatch, reverse

CASE_INSPECT = "wagtailsnippets_casework_case:inspect"
CASE_LIST = "wagtailsnippets_casework_case:list"


def _reverse(name, *args):
    # The case view set may not be registered (the app installed without it): no link then.
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def case_file_url(case_pk):
    """The case file (the case view set's inspect view)."""
    return _reverse(CASE_INSPECT, case_pk)


def case_list_url():
    return _reverse(CASE_LIST)


def quick_visit_url(case_pk, next_url=None):
    url = reverse("casework_quick_visit", args=[case_pk])
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


def absolute(path):
    """``path`` on the admin's own address, for e-mails."""
    from django.conf import settings

    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path if path else None


def absolute_case_file_url(case_pk):
    return absolute(case_file_url(case_pk))
