"""The RSS feed of the bureau's notices (通知公告)."""

import datetime

from django.contrib.syndication.views import Feed
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from wagtail.models import Site

from .models import NoticeIndexPage, NoticePage


class NoticeFeed(Feed):
    """The latest notices of the site the request is for, newest first."""

    description = _("Notices of the Dawukou District Education and Sports Bureau")
    size = 20

    def get_object(self, request, *args, **kwargs):
        return Site.find_for_request(request)

    def title(self, site):
        return _("%(site)s: notices") % {"site": site.site_name if site else ""}

    def link(self, site):
        # Relative URLs: the feed makes them absolute with the request's host. One Feed serves
        # every request, so it keeps no request of its own.
        index = NoticeIndexPage.objects.live().public().first()
        return index.url if index else "/"

    def items(self, site):
        notices = NoticePage.objects.listed()
        if site:
            notices = notices.descendant_of(site.root_page, inclusive=True)
        return notices[: self.size]

    def item_title(self, notice):
        return notice.title

    def item_link(self, notice):
        return notice.url

    def item_description(self, notice):
        text = Truncator(strip_tags(notice.body)).chars(200)
        return f"{notice.document_number} {text}".strip()

    def item_pubdate(self, notice):
        # A notice's date is the date issued (midnight in Beijing); undated, when it went live.
        if notice.issued_on:
            return timezone.make_aware(
                datetime.datetime.combine(notice.issued_on, datetime.time()),
                timezone.get_default_timezone(),
            )
        return notice.first_published_at

    def item_updateddate(self, notice):
        return notice.last_published_at
