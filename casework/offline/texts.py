from django.utils.translation import gettext_lazy

#: The words the shell's script shows, translated here so the script holds no language.
TEXTS = {
    "online": gettext_lazy("online"),
    "offline": gettext_lazy("offline"),
    "refreshed": gettext_lazy("List saved on this phone at %(time)s."),
    "never": gettext_lazy("The list has not been saved on this phone yet."),
    "stale": gettext_lazy("No signal: the list is the one saved at %(time)s."),
    "empty": gettext_lazy("None."),
    "visit": gettext_lazy("Log a visit"),
    "overdueSince": gettext_lazy("overdue since %(date)s"),
    "due": gettext_lazy("due %(date)s"),
    "noVisitPlanned": gettext_lazy("no visit planned"),
    "queued": gettext_lazy("Saved on this phone; it will be sent when there is a signal."),
    "pending": gettext_lazy("waiting to sync"),
    "fix": gettext_lazy("to correct"),
    "conflict": gettext_lazy("conflict"),
    "session": gettext_lazy(
        "Your session has ended: log in again, then the visits waiting here are sent."
    ),
    "login": gettext_lazy("Log in again"),
    # The same words as the server's answer (casework/offline/sync.py), so one translation.
    "otherAccount": gettext_lazy(
        "This entry was made by another account on this phone; log in as that account to send it."
    ),
    "edit": gettext_lazy("Correct"),
    "discard": gettext_lazy("Discard"),
    "sendAnyway": gettext_lazy("Send anyway"),
    "confirmDiscard": gettext_lazy("Discard this visit from the phone? It has not been stored."),
    "confirmLogout": gettext_lazy(
        "%(count)s visits have not been sent yet. Logging out deletes them from this phone. "
        "Log out anyway?"
    ),
    "suggestion": gettext_lazy("Suggested from the risk level: %(days)s days after the visit."),
    "filesKept": gettext_lazy("%(count)s photos or files kept from before."),
    "required": gettext_lazy("This field is required."),
    "synced": gettext_lazy("%(count)s visits sent."),
    "problems": gettext_lazy("%(count)s visits could not be stored; see the list waiting to sync."),
    "failed": gettext_lazy("No connection to the server; the visits stay on the phone."),
    "campaign": gettext_lazy("Visits to every household"),
    "covers": gettext_lazy("This visit also covers"),
}
