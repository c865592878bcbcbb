from django import template

register = template.Library()


@register.filter
def signature_state(attachments):
    """ "signature" if the guardian signed on the screen, "signed_form" if the paper form was
    photographed, else ""."""
    kinds = {a.kind for a in attachments or ()}
    for kind in ("signature", "signed_form"):
        if kind in kinds:
            return kind
    return ""
