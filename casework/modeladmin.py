"""Reference data (schools, the checklist) through wagtail-modeladmin.

Plain lists of a few dozen rows edited by bureau staff: modeladmin's index/edit pages fit them
without revisions, workflows or choosers, which the ledger's snippet view sets need.
"""

from django.utils.translation import gettext_lazy as _
from wagtail_modeladmin.helpers import PermissionHelper
from wagtail_modeladmin.options import ModelAdmin

from casework.access.rules import can_edit_checklist_item
from casework.models import ChecklistItem, School


class SchoolAdmin(ModelAdmin):
    model = School
    menu_label = _("Schools")
    menu_icon = "site"
    add_to_admin_menu = False
    list_display = ["name", "kind", "area", "township"]
    list_filter = ["kind", "area"]
    search_fields = ["name", "township"]
    ordering = ["name"]


class ChecklistItemPermissionHelper(PermissionHelper):
    def user_can_edit_obj(self, user, obj):
        return super().user_can_edit_obj(user, obj) and can_edit_checklist_item(user, obj)


class ChecklistItemAdmin(ModelAdmin):
    model = ChecklistItem
    permission_helper_class = ChecklistItemPermissionHelper
    menu_label = _("Responsibility checklist")
    menu_icon = "list-ol"
    add_to_admin_menu = False
    list_display = ["number", "title", "deadline_text", "leader", "offices", "units"]
    ordering = ["number"]
    # 发现的问题 / 整改情况 / 备注 reach the public only from a month the leaders approved
    # (casework.monthly), never straight from this form.
    form_fields_exclude = [
        "number",
        "category",
        "scope",
        "problems_found",
        "rectification",
        "remarks",
    ]
