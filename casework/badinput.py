"""A malformed key in an admin URL is a page that does not exist, not a server error.

Wagtail's generic views (snippet choosers, revision comparison, wagtail-modeladmin) look an
object up with the key as the URL gives it: "abc" for a number, or a number past the database's
range, raises inside the ORM. Those lookups are not ours to change, so the error they raise is
answered here with a 404. The casework views check their own parameters and never rely on this.
"""

import logging

from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

#: What the ORM raises for a key of the wrong kind or size (ValueError, TypeError: "abc" for an
#: integer; OverflowError: past SQLite's 64 bits; ValidationError: a malformed UUID), and what
#: wagtail-modeladmin raises for a query parameter that is no field.
MALFORMED = (ValueError, TypeError, OverflowError, ValidationError, IncorrectLookupParameters)


class MalformedKeyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, MALFORMED):
            return None
        if not request.path_info.startswith(reverse("wagtailadmin_home")):
            return None
        # Logged with the traceback: a real bug of the same kind stays visible to the team.
        logger.warning("malformed input on %s answered 404", request.path_info, exc_info=exception)
        raise Http404(_("No such page: the address is malformed."))
