from wagtail import hooks

from .models import Case, CaseworkLogEntry, Finding, HomeVisit, School, Student, SupportRecord


@hooks.register("register_log_actions")
def register_casework_log_model(actions):
    # History of children's records is kept with the school, so the site history can be scoped.
    for model in (Student, Case, HomeVisit, SupportRecord, Finding, School):
        actions.register_model(model, CaseworkLogEntry)
