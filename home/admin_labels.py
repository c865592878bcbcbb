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


def label_choosers():
    from wagtail.admin.forms import choosers, workflows

    for form_name, labels in LABELS.items():
        fields = getattr(choosers, form_name).base_fields
        for name, label in labels.items():
            if name in fields:
                fields[name].label = label

    # The task chooser adds its type filter per request, so it is labelled after __init__.
    form_class = workflows.TaskChooserSearchForm
    wagtail_init = form_class.__init__

    def __init__(self, *args, **kwargs):
        wagtail_init(self, *args, **kwargs)
        if "task_type" in self.fields:
            self.fields["task_type"].label = _("Task type")

    form_class.__init__ = __init__
