"""The help page's sections: what each role does, and where, in a few lines."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from casework.access.roles import Role
from casework.access.scope import is_bureau, roles_of


@dataclass(frozen=True)
class Section:
    role: str
    title: str
    steps: tuple


SECTIONS = (
    Section(
        Role.TEACHER,
        _("Support teachers"),
        (
            _(
                "Your dashboard lists the visits due this week and those overdue; tap a name to "
                "open the case file."
            ),
            _(
                "Register an at-risk child with “Register an at-risk child” on the dashboard: type "
                "the ID number first; the date of birth and gender are read from it."
            ),
            _(
                "Log each home visit with “Log a home visit” on the case file; the next visit is "
                "suggested from the risk level."
            ),
            _("Record support given (grants, tutoring, meals) with “Record support”."),
        ),
    ),
    Section(
        Role.MANAGER,
        _("School case managers"),
        (
            _(
                "Pair each case with a teacher of your school and follow the overdue visits on "
                "the dashboard."
            ),
            _(
                "Upload your school's roll under Data reconciliation; download the blank list "
                "first if you have none."
            ),
            _("File the weekly dropout report every week; once filed it cannot be changed."),
            _(
                "Propose the close-off (销号) of a case once the child is back and supported; the "
                "responsible office verifies it."
            ),
        ),
    ),
    Section(
        Role.OFFICE,
        _("Bureau offices"),
        (
            _(
                "Upload the other offices' lists (poverty, civil affairs, disability, population) "
                "and open cases from the reconciliation's findings."
            ),
            _(
                "Fill your rows of the monthly responsibility checklist before the deadline and "
                "submit it for review."
            ),
            _("Verify the close-offs proposed by schools; export ledgers (each export is logged)."),
        ),
    ),
    Section(
        Role.LEADER,
        _("Responsible leaders"),
        (
            _(
                "Review the monthly checklist rows of your items and approve or return them with "
                "a comment."
            ),
            _("Follow the progress and the schools that have not moved on the supervision pages."),
        ),
    ),
)

EDITOR_SECTION = Section(
    "editor",
    _("Web editors"),
    (
        _(
            "Edit the public site's pages and notices; they are reviewed before they are "
            "published. The public site never shows children's names, ID numbers or addresses."
        ),
    ),
)


def sections_for(user):
    """The user's own sections first; the bureau sees every role's, to help the schools."""
    own = roles_of(user)
    mine = [s for s in SECTIONS if s.role in own]
    if is_bureau(user):
        mine += [s for s in SECTIONS if s not in mine]
    if not mine or user.is_superuser:
        mine.append(EDITOR_SECTION)
    return mine
