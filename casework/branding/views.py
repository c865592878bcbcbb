from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin.views.generic import WagtailAdminTemplateMixin

from casework.branding.help import sections_for


class HelpView(WagtailAdminTemplateMixin, TemplateView):
    """A short help page for 四查四补, in place of Wagtail's editor guide."""

    template_name = "casework/branding/help.html"
    page_title = _("Help with the four checks, four fills")
    header_icon = "help"

    def get_breadcrumbs_items(self):
        return [*super().get_breadcrumbs_items(), {"url": "", "label": self.get_page_title()}]

    def get_context_data(self, **kwargs):
        return super().get_context_data(sections=sections_for(self.request.user), **kwargs)
