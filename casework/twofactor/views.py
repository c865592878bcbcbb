"""Enrolment (a QR code for the phone app, then a first code) and the code after the password."""

import qrcode
import qrcode.image.svg
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView
from django_otp import devices_for_user
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from casework.twofactor.forms import CodeForm
from casework.twofactor.policy import must_use_two_factor

RECOVERY_CODES = 10
PHONE = "phone"


def next_url(request):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return reverse("wagtailadmin_home")


def qr_svg(text):
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    return image.to_string(encoding="unicode")


class SetupView(WagtailAdminTemplateMixin, FormView):
    """Enrol a phone app: scan the code, type the first code it shows; recovery codes follow."""

    template_name = "casework/twofactor/setup.html"
    page_title = _("Two-factor login")
    header_icon = "key"
    form_class = CodeForm

    def get_breadcrumbs_items(self):
        return []

    def dispatch(self, request, *args, **kwargs):
        # With a phone enrolled, the password alone must not enrol another one over it: that
        # would replace the phone and log in with the new one. The code first, then re-enrol.
        user = request.user
        if (
            user.is_authenticated
            and not user.is_verified()
            and TOTPDevice.objects.filter(user=user, confirmed=True).exists()
        ):
            target = reverse("casework_twofactor_verify")
            return redirect(f"{target}?{urlencode({'next': request.get_full_path()})}")
        return super().dispatch(request, *args, **kwargs)

    def pending_device(self):
        device = TOTPDevice.objects.filter(user=self.request.user, confirmed=False).first()
        return device or TOTPDevice.objects.create(
            user=self.request.user, name=PHONE, confirmed=False
        )

    def get_form_kwargs(self):
        self.device = self.pending_device()
        return {**super().get_form_kwargs(), "devices": [self.device]}

    def get_context_data(self, **kwargs):
        from base64 import b32encode

        context = super().get_context_data(**kwargs)
        enrolled = TOTPDevice.objects.filter(user=self.request.user, confirmed=True).exists()
        context.update(
            enrolled=enrolled,
            required=must_use_two_factor(self.request.user),
            qr_code=qr_svg(self.device.config_url),
            secret=b32encode(self.device.bin_key).decode(),
            next=next_url(self.request),
        )
        return context

    def form_valid(self, form):
        user = self.request.user
        # One phone at a time: enrolling again replaces the old phone and its recovery codes.
        TOTPDevice.objects.filter(user=user).exclude(pk=self.device.pk).delete()
        StaticDevice.objects.filter(user=user).delete()
        self.device.confirmed = True
        self.device.save()
        recovery = StaticDevice.objects.create(user=user, name="recovery", confirmed=True)
        codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
        recovery.token_set.bulk_create([StaticToken(device=recovery, token=c) for c in codes])
        otp_login(self.request, self.device)
        return self.response_class(
            request=self.request,
            template="casework/twofactor/recovery_codes.html",
            context={
                **super().get_context_data(form=form),
                "codes": codes,
                "next": next_url(self.request),
            },
        )


class VerifyView(WagtailAdminTemplateMixin, FormView):
    """After the password: the code from the phone app (or a recovery code)."""

    template_name = "casework/twofactor/verify.html"
    page_title = _("Two-factor login")
    header_icon = "key"
    form_class = CodeForm

    def get_breadcrumbs_items(self):
        return []

    def get_form_kwargs(self):
        devices = devices_for_user(self.request.user, confirmed=True)
        return {**super().get_form_kwargs(), "devices": devices}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "next": next_url(self.request)}

    def form_valid(self, form):
        otp_login(self.request, form.device)
        return redirect(next_url(self.request))
