"""One thing to do, with its deadline and the one link that does it."""

import datetime
from dataclasses import dataclass

#: Items a provider lists of one kind; the rest are reached through its "all" link.
KIND_LIMIT = 10


@dataclass(frozen=True)
class Todo:
    #: What is to be done, e.g. "登记家访：王小明".
    title: str
    #: The page where it is done.
    url: str
    #: The button's label, e.g. "登记家访".
    action: str
    #: The absolute day it is due by, if it has one.
    deadline: datetime.date | None = None
    #: Without a deadline: since when it has waited (e.g. the day a close-off was proposed).
    since: datetime.date | None = None
    #: A short note shown under the title (e.g. "本校另有3个个案家访逾期").
    note: str = ""

    def is_overdue(self, today):
        return self.deadline is not None and self.deadline < today

    def sort_key(self):
        # Dated items first, soonest (most overdue) first; undated by how long they waited.
        if self.deadline is not None:
            return (0, self.deadline, self.title)
        return (1, self.since or datetime.date.max, self.title)
