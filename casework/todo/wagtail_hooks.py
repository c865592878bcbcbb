from wagtail import hooks

from casework.todo.panel import TodoPanel


@hooks.register("construct_homepage_panels")
def add_todo_panel(request, panels):
    if request.user.is_authenticated:
        panels.append(TodoPanel(request.user))
