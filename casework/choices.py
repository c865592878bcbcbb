"""Choices shared by several casework models."""

from django.db import models
from django.utils.encoding import force_str
from django.utils.translation import gettext_lazy as _


def choice_labels(field):
    """``{value: label}`` of a model field's choices, in the active language.

    Django's ``get_<field>_display`` builds this on every call; a list of 50 rows or an export
    of 100,000 asks for it once."""
    return {value: force_str(label) for value, label in field.flatchoices}


class Concern(models.TextChoices):
    DROPOUT_RISK = "dropout_risk", _("dropout risk")
    LEFT_BEHIND = "left_behind", _("left-behind child care")
    DISABILITY = "disability", _("schooling of a disabled child")
    AID_MISSED = "aid_missed", _("aid missed")
    AID_WRONG = "aid_wrong", _("aid wrongly listed")
    ONLINE_LEARNING = "online_learning", _("online learning difficulty")
    OTHER = "other", _("other")


#: The checklist item a new case answers unless the user picks another.
CONCERN_CHECKLIST_ITEM = {
    Concern.ONLINE_LEARNING: 1,
    Concern.AID_MISSED: 2,
    Concern.AID_WRONG: 2,
    Concern.DROPOUT_RISK: 3,
    Concern.LEFT_BEHIND: 4,
    Concern.DISABILITY: 4,
}


class LeaveReason(models.TextChoices):
    """Why a child is out of school (离校原因), as the plan's weekly figures count them."""

    WORK = "work", _("gone out to work (外出务工)")
    AVERSION = "aversion", _("weary of school (厌学)")
    POVERTY = "poverty", _("family hardship (家庭经济困难)")
    ILLNESS = "illness", _("illness or disability (疾病或残疾)")
    MARRIAGE = "marriage", _("early marriage or childbirth (早婚早育)")
    FOLLOWED = "followed", _("moved with the family (随迁)")
    OTHER = "other", _("other (其他)")


class ChildState(models.TextChoices):
    IN_SCHOOL = "in_school", _("in school")
    SUSPECTED_DROPOUT = "suspected_dropout", _("suspected dropout")
    DROPPED_OUT = "dropped_out", _("dropped out")
    RETURNED = "returned", _("persuaded to return")
    TRANSFERRED_KNOWN = "transferred_known", _("transferred, destination known")
    TRANSFERRED_UNKNOWN = "transferred_unknown", _("transferred, destination unknown")
    LONG_LEAVE = "long_leave", _("on long leave")
    HOME_TEACHING = "home_teaching", _("taught at home")


class RiskLevel(models.TextChoices):
    LOW = "low", _("low")
    MEDIUM = "medium", _("medium")
    HIGH = "high", _("high")


#: Days until the next visit is due, suggested from the case's risk level.
NEXT_VISIT_DAYS = {RiskLevel.HIGH: 7, RiskLevel.MEDIUM: 14, RiskLevel.LOW: 30}


#: The child state that means out of school: a visit recording it must say why (离校原因).
OUT_OF_SCHOOL = ChildState.DROPPED_OUT


def leave_reason_errors(state, reason, other):
    """The errors, by field, of a visit's reason for leaving school ({} if none).

    The one rule for every visit form: out of school needs a reason, 其他 needs the words.
    """
    if state != OUT_OF_SCHOOL:
        return {}
    if not reason:
        return {"leave_reason": _("Choose why the child has left school.")}
    if reason == LeaveReason.OTHER and not (other or "").strip():
        return {"leave_reason_other": _("Say in words why the child has left school.")}
    return {}


def reason_counts_text(counts):
    """``{reason: n}`` in words, in the order of the choices: 外出务工2人，厌学1人."""
    parts = [
        _("%(reason)s %(count)s") % {"reason": LeaveReason(r).label, "count": counts[r]}
        for r in LeaveReason.values
        if counts.get(r)
    ]
    return "，".join(str(p) for p in parts)
