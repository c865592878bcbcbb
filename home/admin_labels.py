"""Wagtail 8.0's screens made to read in Chinese where a catalogue cannot: labels left to
fields' English names, and relative times."""

from django.utils.translation import gettext_lazy as _

LABELS = {
    "ExternalLinkChooserForm": {"link_text": _("Link text")},
    "AnchorLinkChooserForm": {"link_text": _("Link text")},
    "EmailLinkChooserForm": {
        "email_address": _("E-mail address"),
        "link_text": _("Link text"),
        "subject": _("Subject"),
        "body": _("Body"),
    },
    "PhoneLinkChooserForm": {"phone_number": _("Phone number"), "link_text": _("Link text")},
}

#: Columns of the sites list that Wagtail heads with the field's name ("Port").
SITE_COLUMNS = ("port", "site_name", "root_page")


def label_choosers():
    from wagtail.admin.forms import choosers, workflows

    for form_name, labels in LABELS.items():
        fields = getattr(choosers, form_name).base_fields
        for name, label in labels.items():
            if name in fields:
                fields[name].label = label

    from wagtail.users.forms import PagePermissionsForm

    workflows.WorkflowContentTypeForm.base_fields["content_types"].label = _("Content types")
    workflows.WorkflowPageForm.base_fields["page"].label = _("Page")
    PagePermissionsForm.base_fields["page"].label = _("Page")
    label_site_columns()
    one_unit_timesince()

    # The task chooser adds its type filter per request, so it is labelled after __init__.
    form_class = workflows.TaskChooserSearchForm
    wagtail_init = form_class.__init__

    def __init__(self, *args, **kwargs):
        wagtail_init(self, *args, **kwargs)
        if "task_type" in self.fields:
            self.fields["task_type"].label = _("Task type")

    form_class.__init__ = __init__


def label_site_columns():
    from django.utils.text import capfirst
    from wagtail.models import Site
    from wagtail.sites.views import IndexView

    for column in IndexView.columns:
        if column.name in SITE_COLUMNS:
            column.label = capfirst(Site._meta.get_field(column.name).verbose_name)


def one_unit_timesince():
    """Wagtail shortens "5 days, 13 hours ago" by cutting at the first ASCII comma, which the
    Chinese "5天，13小时" does not have; its screens print "5天，13小时前". One unit reads
    naturally (5天前), and the exact time is in the date's tooltip."""
    from django.utils.timesince import timesince
    from wagtail.admin.templatetags import wagtailadmin_tags

    def first_unit(d, now=None, reversed=False, time_strings=None, depth=2):
        return timesince(d, now, reversed, time_strings, depth=1)

    wagtailadmin_tags.timesince = first_unit
