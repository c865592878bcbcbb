from urllib.parse import urlencode

from django.urls import include, path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.widgets import ListingButton

from casework.evidence import urls
from casework.models import Finding, SupportRecord


@hooks.register("register_admin_urls")
def register_evidence_urls():
    return [path("casework/", include(urls))]


@hooks.register("register_log_actions")
def register_evidence_actions(actions):
    actions.register_action("casework.evidence_added", _("Attach evidence"), _("Evidence attached"))
    actions.register_action(
        "casework.evidence_deleted", _("Delete evidence"), _("Evidence deleted")
    )


@hooks.register("register_snippet_listing_buttons")
def evidence_listing_button(snippet, user, next_url=None):
    # A finding's before/after photos and a support record's receipts, from their lists.
    targets = {Finding: "finding", SupportRecord: "support"}
    target = targets.get(type(snippet))
    if target:
        url = reverse("casework_record_evidence", args=[target, snippet.pk])
        yield ListingButton(
            gettext("Evidence"),
            f"{url}?{urlencode({'next': next_url})}" if next_url else url,
            icon_name="doc-full",
            priority=20,
        )
