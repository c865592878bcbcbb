"""The Content-Security-Policy header: the policy of the settings, looser only in the admin."""

from csp.middleware import CSPMiddleware, PolicyParts
from django.urls import reverse

# Wagtail's admin writes inline <script> blocks of its own (date inputs, inline panels), which
# carry no nonce; the public site has none, so only the admin gets 'unsafe-inline' for scripts.
ADMIN_UPDATE = {"script-src": ["'unsafe-inline'"]}


class SiteCSPMiddleware(CSPMiddleware):
    def get_policy_parts(self, request, response, report_only=False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if request.path_info.startswith(reverse("wagtailadmin_home")):
            parts.update = {**ADMIN_UPDATE, **(parts.update or {})}
        return parts
