"""Who a user is for casework, and the record of who looked at or took out children's data."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.models import BaseLogEntry, BaseLogEntryManager

from casework.access.roles import Role
from casework.access.scope import scope_for_user
from casework.dates import chinese_datetime


class Office(models.Model):
    """A bureau office (科室); the bureau's own list, kept as reference data."""

    name = models.CharField(_("name"), max_length=30, unique=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("office")
        verbose_name_plural = _("offices")
        ordering = ["sort_order", "name"]

    def __str__(self):
        return self.name


class GroupRole(models.Model):
    """Which casework role a group stands for, by a code that renaming the group leaves alone."""

    group = models.OneToOneField(
        "auth.Group",
        verbose_name=_("group"),
        on_delete=models.CASCADE,
        related_name="casework_role",
    )
    code = models.CharField(_("role"), max_length=20, choices=Role.choices, unique=True)

    class Meta:
        verbose_name = _("group role")
        verbose_name_plural = _("group roles")

    def __str__(self):
        return f"{self.group} ({self.get_code_display()})"


class Profile(models.Model):
    """A user's school (for school staff), office (for bureau staff) and checklist name."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="casework_profile"
    )
    school = models.ForeignKey(
        "casework.School",
        verbose_name=_("school"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
    )
    office = models.ForeignKey(
        Office,
        verbose_name=_("office"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
    )
    leader_name = models.CharField(
        _("name as responsible leader"),
        max_length=20,
        blank=True,
        help_text=_("For a responsible leader: the name as the checklist gives it."),
    )

    class Meta:
        verbose_name = _("casework profile")
        verbose_name_plural = _("casework profiles")

    def __str__(self):
        return str(self.user)


class AccessLog(models.Model):
    """Who opened a case file or took children's data out of the system, and when."""

    class Action(models.TextChoices):
        VIEW_CASE = "view_case", _("opened a case file")
        EXPORT = "export", _("exported a list")
        IMPORT = "import", _("imported a list")
        DOWNLOAD = "download", _("downloaded evidence")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    # The record of who opened a file outlives the file: the case goes, its label stays.
    case = models.ForeignKey(
        "casework.Case",
        verbose_name=_("case"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="access_logs",
    )
    label = models.CharField(_("record"), max_length=255, blank=True)
    what = models.CharField(_("what"), max_length=200, blank=True)
    filters = models.JSONField(_("filters"), default=dict, blank=True)
    row_count = models.PositiveIntegerField(_("rows"), null=True, blank=True)

    class Meta:
        verbose_name = _("access record")
        verbose_name_plural = _("access records")
        ordering = ["-at"]
        indexes = [models.Index(fields=["case", "-at"], name="casework_access_case_at")]

    def __str__(self):
        return f"{self.user} {self.get_action_display()} {chinese_datetime(self.at)}"

    def save(self, *args, **kwargs):
        # An audit record is written once; nothing edits it afterwards.
        if self.pk is not None and not kwargs.get("force_insert"):
            raise AuditRecordIsFinal(_("An access record cannot be changed."))
        return super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditRecordIsFinal(_("An access record cannot be deleted; it expires."))


class AuditRecordIsFinal(Exception):
    """Raised on an attempt to change or delete an audit record one by one."""


class CaseworkLogEntryManager(BaseLogEntryManager):
    def log_action(self, instance, action, **kwargs):
        kwargs.update(object_id=str(instance.pk))
        kwargs.setdefault("school_id", getattr(instance, "log_school_id", None))
        return super().log_action(instance, action, **kwargs)

    def viewable_by_user(self, user):
        """The site history shows a school's staff only their own school's entries."""
        scope = scope_for_user(user)
        if scope.all_schools:
            return self.all()
        if scope.school_id is None:
            return self.none()
        return self.filter(school_id=scope.school_id)

    def for_instance(self, instance):
        return self.filter(
            content_type=ContentType.objects.get_for_model(instance, for_concrete_model=False),
            object_id=str(instance.pk),
        )


class CaseworkLogEntry(BaseLogEntry):
    """Wagtail's history of casework records, kept with the school so it can be scoped."""

    object_id = models.CharField(max_length=255, db_index=True)
    school_id = models.BigIntegerField(null=True, blank=True, db_index=True)

    objects = CaseworkLogEntryManager()

    class Meta(BaseLogEntry.Meta):
        verbose_name = _("casework log entry")
        verbose_name_plural = _("casework log entries")
        ordering = ["-timestamp", "-id"]
