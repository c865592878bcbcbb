"""Registers the casework admin: the ledger's view sets and each feature's hooks."""

from django.apps import apps
from django.templatetags.static import static
from django.urls import include, path
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSetGroup

from casework.access.audit import AUDITED_MODELS
from casework.branding import wagtail_hooks as branding_hooks  # noqa: F401
from casework.campaign import wagtail_hooks as campaign_hooks  # noqa: F401
from casework.choosers import teacher_chooser_viewset
from casework.closeoff import wagtail_hooks as closeoff_hooks  # noqa: F401
from casework.daily import wagtail_hooks as daily_hooks  # noqa: F401
from casework.evidence import wagtail_hooks as evidence_hooks  # noqa: F401
from casework.list_exports import urls as list_export_urls
from casework.modeladmin import ChecklistItemAdmin, SchoolAdmin
from casework.models import CaseworkLogEntry
from casework.monthly import wagtail_hooks as monthly_hooks  # noqa: F401
from casework.monthly.views import MonthlyReportViewSet
from casework.offline import wagtail_hooks as offline_hooks  # noqa: F401
from casework.privacy import wagtail_hooks as privacy_hooks  # noqa: F401
from casework.reconciliation import wagtail_hooks as reconciliation_hooks  # noqa: F401
from casework.registration import wagtail_hooks as registration_hooks  # noqa: F401
from casework.review import wagtail_hooks as review_hooks  # noqa: F401
from casework.supervision import wagtail_hooks as supervision_hooks  # noqa: F401
from casework.todo import wagtail_hooks as todo_hooks  # noqa: F401
from casework.twofactor import wagtail_hooks as twofactor_hooks  # noqa: F401
from casework.viewsets import (
    CaseViewSet,
    FindingViewSet,
    HomeVisitViewSet,
    StudentViewSet,
    SupportRecordViewSet,
)
from casework.weekly import wagtail_hooks as weekly_hooks  # noqa: F401


class CaseworkViewSetGroup(SnippetViewSetGroup):
    menu_label = _("Four checks, four fills")
    menu_icon = "clipboard-list"
    menu_order = 150
    menu_name = "casework"
    #: Features add their menu items to this group with this hook.
    submenu_hook = "register_casework_menu_item"
    items = (
        StudentViewSet,
        CaseViewSet,
        HomeVisitViewSet,
        SupportRecordViewSet,
        FindingViewSet,
        MonthlyReportViewSet,
    )


register_snippet(CaseworkViewSetGroup)

# Registered as instances (not with the decorator) so their menu items can join the group.
school_admin = SchoolAdmin()
school_admin.register_with_wagtail()
checklist_admin = ChecklistItemAdmin()
checklist_admin.register_with_wagtail()


@hooks.register("register_casework_menu_item")
def school_menu_item():
    return school_admin.get_menu_item(order=800)


@hooks.register("register_casework_menu_item")
def checklist_menu_item():
    return checklist_admin.get_menu_item(order=900)


@hooks.register("register_admin_urls")
def register_list_export_urls():
    return [path("casework/", include(list_export_urls))]


@hooks.register("register_admin_viewset")
def register_teacher_chooser():
    return teacher_chooser_viewset


@hooks.register("insert_global_admin_css")
def casework_admin_css():
    return format_html('<link rel="stylesheet" href="{}">', static("casework/css/casework.css"))


@hooks.register("register_log_actions")
def register_casework_log_model(actions):
    # History of children's records is kept with the school, so the site history can be scoped;
    # every model whose deletions are audited (casework.access.audit) is among them.
    for label in AUDITED_MODELS:
        actions.register_model(apps.get_model(label), CaseworkLogEntry)
