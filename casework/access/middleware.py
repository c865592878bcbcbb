from casework.access.scope import _acting_user, _scope, scope_for_user


class ScopeMiddleware:
    """Resolves once whose casework data the request may see, for every queryset it builds.

    A streamed response is read after this middleware returns, so its content is read inside
    the request's scope too; anything else outside the request (threads, tasks) sees nothing.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        scope = request.casework_scope = scope_for_user(request.user)
        tokens = _scope.set(scope), _acting_user.set(request.user)
        try:
            response = self.get_response(request)
        finally:
            _scope.reset(tokens[0])
            _acting_user.reset(tokens[1])
        if response.streaming and not response.is_async:
            response.streaming_content = _within(scope, request.user, response.streaming_content)
        return response


def _within(scope, user, chunks):
    chunks = iter(chunks)
    while True:
        tokens = _scope.set(scope), _acting_user.set(user)
        try:
            chunk = next(chunks)
        except StopIteration:
            return
        finally:
            _scope.reset(tokens[0])
            _acting_user.reset(tokens[1])
        yield chunk
