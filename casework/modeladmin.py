"""Reference data (schools, the checklist) through wagtail-modeladmin.

Plain lists of a few dozen rows edited by bureau staff: modeladmin's index/edit pages fit them
without revisions, workflows or choosers, which the ledger's snippet view sets need.
"""

from django.utils.translation import gettext_lazy as _
from wagtail_modeladmin.options import ModelAdmin

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


class ChecklistItemAdmin(ModelAdmin):
    model = ChecklistItem
    menu_label = _("Responsibility checklist")
    menu_icon = "list-ol"
    add_to_admin_menu = False
    list_display = ["number", "title", "deadline_text", "leader", "offices", "units"]
    ordering = ["number"]
    form_fields_exclude = ["number", "category", "scope"]
