"""The 待办事项 panel: first on every dashboard."""

from django.utils import timezone
from wagtail.admin.ui.components import Component

from casework.todo.registry import todos_for


class TodoPanel(Component):
    name = "casework_todo"
    template_name = "casework/todo/panel.html"
    # Before every other panel (the leader's items are 10, the field pages 40).
    order = 0

    class Media:
        css = {"all": ["casework/casework.css", "casework/actions.css"]}

    def __init__(self, user):
        self.user = user

    def get_context_data(self, parent_context=None):
        today = timezone.localdate()
        return {"todos": todos_for(self.user, today), "today": today}
