"""Wagtail admin strings that Wagtail's own Chinese catalogue lacks.

Listed here so that makemessages puts them in locale/, whose translations (LOCALE_PATHS) take
precedence over Wagtail's. Nothing imports this module.
"""

from django.utils.translation import gettext_noop as _

WAGTAIL_STRINGS = [
    _("Search all pages…"),
    _('There are no %(model_name)s to display. Why not <a href="%(add_url)s">add one</a>?'),
]
