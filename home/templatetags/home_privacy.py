from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def privacy_notice_url(context):
    """The live privacy notice's address on this site, or "" (the footer then has no link)."""
    from home.models import PrivacyNoticePage

    request = context.get("request")
    page = PrivacyNoticePage.objects.live().first()
    return page.get_url(request) if page else ""
