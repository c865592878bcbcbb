"""Permission names in the site's language.

Django and Wagtail store each permission's name in English, built from the model's untranslated
verbose name ("Can add case", "Can lock monthly checklist report"), and the group and user
screens show that stored text. After every migration the names of the permissions whose codename
follows the "<action>_<model>" pattern and whose name is still the English default are written
again in the site's language, so the group screen reads 可添加个案; a name the catalogues
translate ("Publish any page") is written as translated.
"""

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "add": _("Can add %(name)s"),
    "change": _("Can change %(name)s"),
    "delete": _("Can delete %(name)s"),
    "view": _("Can view %(name)s"),
    "publish": _("Can publish %(name)s"),
    "lock": _("Can lock %(name)s"),
    "unlock": _("Can unlock %(name)s"),
}


def translated_name(permission):
    action, _sep, model_name = permission.codename.partition("_")
    model = permission.content_type.model_class()
    if (
        action in ACTIONS
        and model is not None
        and model_name == permission.content_type.model
        and permission.name == f"Can {action} {model._meta.verbose_name_raw}"
    ):
        name = str(ACTIONS[action] % {"name": model._meta.verbose_name})
    else:
        name = gettext(permission.name)
    return name[: permission._meta.get_field("name").max_length]


def name_permissions(using="default", **kwargs):
    from django.contrib.auth.models import Permission

    with translation.override(settings.LANGUAGE_CODE):
        changed = []
        for permission in Permission.objects.using(using).select_related("content_type"):
            name = translated_name(permission)
            if name and name != permission.name:
                permission.name = name
                changed.append(permission)
        Permission.objects.using(using).bulk_update(changed, ["name"])
