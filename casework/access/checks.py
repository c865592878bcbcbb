from django.conf import settings
from django.core.checks import Error

MIDDLEWARE = "casework.access.middleware.ScopeMiddleware"
AUTHENTICATION = "django.contrib.auth.middleware.AuthenticationMiddleware"


def check_scope_middleware(app_configs, **kwargs):
    """Without the middleware, or before authentication, every casework list is empty."""
    middleware = list(settings.MIDDLEWARE)
    if MIDDLEWARE not in middleware:
        return [
            Error(
                "casework needs its scope middleware.",
                hint=f'Add "{MIDDLEWARE}" to MIDDLEWARE, after "{AUTHENTICATION}".',
                id="casework.E001",
            )
        ]
    if AUTHENTICATION not in middleware or middleware.index(MIDDLEWARE) < middleware.index(
        AUTHENTICATION
    ):
        return [
            Error(
                "casework's scope middleware runs before authentication.",
                hint=f'Place "{MIDDLEWARE}" after "{AUTHENTICATION}" in MIDDLEWARE.',
                id="casework.E002",
            )
        ]
    return []
