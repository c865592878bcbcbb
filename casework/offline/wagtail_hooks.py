from django.templatetags.static import static
from django.urls import include, path, reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.dateparse import parse_datetime
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.ui.components import Component
from wagtail.log_actions import LogFormatter

from casework.access.rules import can_log_visit, works_at_a_school
from casework.offline import urls
from casework.offline.sync import SYNCED_ACTION
from casework.offline.texts import TEXTS


@hooks.register("register_admin_urls")
def register_offline_urls():
    return [path("casework/", include(urls))]


@hooks.register("register_log_actions")
def register_offline_actions(actions):
    @actions.register_action(SYNCED_ACTION)
    class OfflineSynced(LogFormatter):
        label = _("Sync a visit entered offline")

        def format_message(self, log_entry):
            def when(value):
                moment = parse_datetime(value or "")
                return date_format(timezone.localtime(moment), "Y年n月j日 H:i") if moment else "—"

            return _("Entered offline on the phone at %(entered)s, synced at %(synced)s") % {
                "entered": when(log_entry.data.get("entered_at")),
                "synced": when(log_entry.data.get("synced_at")),
            }


@hooks.register("insert_global_admin_js")
def logout_clears_the_phone():
    # Logging out anywhere in the admin clears what the field pages keep on this device.
    return format_html(
        '<script src="{}" defer></script><script src="{}" data-confirm="{}" defer></script>',
        static("casework/offline/queue.js"),
        static("casework/offline/logout.js"),
        TEXTS["confirmLogout"],
    )


class FieldPanel(Component):
    """One link on a teacher's dashboard: the field pages, which also work without a signal."""

    name = "casework_offline"
    order = 40
    template_name = "casework/offline/panel.html"

    def get_context_data(self, parent_context=None):
        return {"url": reverse("casework_offline_field")}


@hooks.register("construct_homepage_panels")
def add_field_panel(request, panels):
    if can_log_visit(request.user) and works_at_a_school(request.user):
        panels.insert(0, FieldPanel())
