"""Labels for fields of Wagtail's choosers that Wagtail 8.0 leaves to their names in English."""

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
