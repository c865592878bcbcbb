from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from casework.twofactor.policy import asks_for_a_code, must_use_two_factor
from casework.twofactor.urls import OPEN_TO_UNVERIFIED


class TwoFactorMiddleware:
    """In the admin, a user who must give a second factor and has not yet is sent to give it:
    to the code form if they have a phone app enrolled, to the enrolment otherwise.

    After django_otp's OTPMiddleware, which tells whether this session gave a code."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and request.path_info.startswith(reverse("wagtailadmin_home"))
            and not user.is_verified()
        ):
            step = self.step_for(request)
            if step:
                return step
        return self.get_response(request)

    def step_for(self, request):
        open_paths = {reverse(name) for name in OPEN_TO_UNVERIFIED}
        if request.path_info in open_paths or not asks_for_a_code(request.user):
            return None
        from django_otp import user_has_device

        if user_has_device(request.user, confirmed=True):
            target = reverse("casework_twofactor_verify")
        elif must_use_two_factor(request.user):
            target = reverse("casework_twofactor_setup")
        else:
            return None
        return redirect(f"{target}?{urlencode({'next': request.get_full_path()})}")
