from .permissions import reset_current_user, set_current_user


class CurrentUserMiddleware:
    """Makes the request's user the scope of casework querysets for this request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = set_current_user(request.user)
        try:
            return self.get_response(request)
        finally:
            reset_current_user(token)
