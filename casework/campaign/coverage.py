"""Coverage of the campaign (户不漏人): households visited at home this term, out of all."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Prefetch

from casework.campaign.models import CampaignVisit
from casework.evidence.models import Attachment


@dataclass
class Tally:
    label: str
    total: int = 0
    visited: int = 0
    unvisited: list = field(default_factory=list)

    @property
    def percent(self):
        return round(100 * self.visited / self.total) if self.total else 0

    def add(self, household, visited):
        self.total += 1
        if visited:
            self.visited += 1
        else:
            self.unvisited.append(household)


def coverage(households, since):
    """Tallies by school, by class and by registered township and village.

    A household with children in two classes counts in each class: each class teacher answers
    for the households of their own pupils.
    """
    visited = set(households.visited_since(since).values_list("pk", flat=True))
    by_school, by_class, by_village = {}, {}, {}
    listed = households.select_related("school", "teacher").prefetch_related("students")
    for household in listed.order_by("school__name", "hukou_township", "hukou_village", "id"):
        seen = household.pk in visited
        household.visited = seen
        school = household.school
        by_school.setdefault(school.pk, Tally(school.name)).add(household, seen)
        classes = {(s.grade, s.class_name) for s in household.students.all()}
        for grade, class_name in sorted(classes):
            key = (school.pk, grade, class_name)
            label = f"{school.name} {grade}{class_name}"
            by_class.setdefault(key, Tally(label)).add(household, seen)
        key = (school.pk, household.hukou_township, household.hukou_village)
        village = f"{household.hukou_township}{household.hukou_village}" or "—"
        by_village.setdefault(key, Tally(f"{school.name} {village}")).add(household, seen)
    return {
        "schools": list(by_school.values()),
        "classes": [by_class[k] for k in sorted(by_class)],
        "villages": [by_village[k] for k in sorted(by_village)],
    }


def unvisited_first(households, since):
    """``households`` with ``visited`` set, the ones not visited this term first."""
    visited = set(households.visited_since(since).values_list("pk", flat=True))
    # This term's campaign visits with their evidence: the list shows the latest one's photos
    # and whether the guardian signed, so the teacher sees at once what was kept.
    term_visits = CampaignVisit.unscoped.filter(visited_on__gte=since).prefetch_related(
        Prefetch("attachments", queryset=Attachment.unscoped.kept(), to_attr="evidence")
    )
    listed = list(
        households.prefetch_related(
            "students", Prefetch("campaign_visits", queryset=term_visits, to_attr="term_visits")
        )
    )
    for h in listed:
        h.visited = h.pk in visited
        h.term_visit = h.term_visits[0] if h.term_visits else None
    groups = defaultdict(list)
    for h in listed:
        groups[h.visited].append(h)
    return groups[False] + groups[True]
