"""待办事项: what waits for the user, first on every dashboard.

Each feature owns its rule: its ``todo.py`` defines a provider, registered with the Wagtail hook
``register_casework_todo`` in the feature's ``wagtail_hooks.py``. A provider is called with the
user and today and returns ``Todo`` items; it runs a fixed number of queries, and reads only
through scoped managers (``for_user``), so nobody is shown another school's children.
"""
