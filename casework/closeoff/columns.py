"""The close-off button in the findings ledger's list."""

from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext

from casework.closeoff import services
from casework.columns import TextColumn


class CloseOffColumn(TextColumn):
    """申请销号 for an open finding; the state of a close-off waiting for the office."""

    def render_cell_html(self, instance, parent_context):
        request = parent_context.get("request")
        status = instance.status
        if status == instance.Status.PENDING:
            return format_html("<td>{}</td>", instance.get_status_display())
        if status == instance.Status.CLOSED or request is None:
            return format_html("<td></td>")
        if not services.can_propose(request.user, instance):
            return format_html("<td></td>")
        url = reverse("casework_closeoff:propose", args=["finding", instance.pk])
        return format_html(
            '<td><a class="button button-small button-secondary" href="{}">{}</a></td>',
            url,
            gettext("Propose close-off"),
        )
