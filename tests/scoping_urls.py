"""Views that run casework queries where the old rule failed open (see test_scoping.py)."""

import threading

from django.http import HttpResponse, JsonResponse, StreamingHttpResponse
from django.urls import include, path
from django_q.tasks import result

from casework.access.tasks import enqueue
from casework.models import Case
from config import urls as site_urls


def names():
    return sorted(Case.objects.values_list("student__name", flat=True))


def count_cases():
    """A task: what the work done in the background sees."""
    return names()


def in_a_thread(request):
    seen = []
    thread = threading.Thread(target=lambda: seen.extend(names()))
    thread.start()
    thread.join()
    return JsonResponse({"names": seen})


def streamed(request):
    def rows():
        # Built and read only while the response is being sent.
        yield from (name + "\n" for name in names())

    return StreamingHttpResponse(rows(), content_type="text/plain")


async def asynchronous(request):
    found = [
        n
        async for n in Case.objects.order_by("student__name").values_list(
            "student__name", flat=True
        )
    ]
    return JsonResponse({"names": found})


def background(request):
    task_id = enqueue("tests.scoping_urls.count_cases", user=request.user)
    return JsonResponse({"names": result(task_id)})


def background_as_system(request):
    task_id = enqueue("tests.scoping_urls.count_cases")
    return JsonResponse({"names": result(task_id)})


def whoami(request):
    return HttpResponse(str(request.casework_scope))


urlpatterns = [
    path("scoping/thread/", in_a_thread),
    path("scoping/stream/", streamed),
    path("scoping/async/", asynchronous),
    path("scoping/task/", background),
    path("scoping/task-system/", background_as_system),
    path("scoping/whoami/", whoami),
    path("", include(site_urls)),
]
