"""Checking and re-encoding an uploaded file before it is kept as evidence.

The type is decided by the file's first bytes, never by its name or the browser's word. Images
are decoded and encoded anew: orientation applied, longest side capped, and nothing of the
original's metadata (EXIF, GPS position, comments) carried over.
"""

import base64
import binascii
import io
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from casework.conf import conf

THUMBNAIL_SIDE = 320

# (first bytes, type) — what a phone's camera, a scanner and a PDF writer produce.
SIGNATURES = [
    (b"\xff\xd8\xff", "jpeg"),
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"GIF87a", "gif"),
    (b"GIF89a", "gif"),
    (b"%PDF-", "pdf"),
]
IMAGE_TYPES = {"jpeg", "png", "gif", "webp"}


@dataclass
class Processed:
    """A file ready to store: its bytes, a thumbnail for images, and what it is."""

    content: bytes
    content_type: str
    extension: str
    original_name: str
    thumbnail: bytes | None = None
    is_image: bool = False


def sniff(head):
    """The type of a file by its first bytes, or None."""
    for magic, kind in SIGNATURES:
        if head.startswith(magic):
            return kind
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    return None


def _read(upload):
    limit = conf.EVIDENCE_MAX_BYTES
    if upload.size is not None and upload.size > limit:
        raise ValidationError(
            _("%(name)s is %(size)s; a file may be at most %(limit)s.")
            % {
                "name": upload.name,
                "size": filesizeformat(upload.size),
                "limit": filesizeformat(limit),
            }
        )
    upload.seek(0)
    return upload.read()


def _encode(image, fmt, **options):
    out = io.BytesIO()
    image.save(out, fmt, **options)
    return out.getvalue()


def reencode_image(data, name, keep_transparency=False):
    """A new JPEG (or PNG for drawings with transparency) without any of the original's metadata."""
    try:
        with Image.open(io.BytesIO(data)) as probe:
            width, height = probe.size
            if width * height > conf.EVIDENCE_MAX_PIXELS:
                raise ValidationError(
                    _("%(name)s is %(width)s × %(height)s pixels, too large to keep.")
                    % {"name": name, "width": width, "height": height}
                )
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            image = ImageOps.exif_transpose(image)
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError) as e:
        raise ValidationError(
            _("%(name)s looks like an image but cannot be read; take the photo again.")
            % {"name": name}
        ) from e
    side = conf.EVIDENCE_IMAGE_MAX_SIDE
    image.thumbnail((side, side), Image.Resampling.LANCZOS)
    if keep_transparency and image.mode in ("RGBA", "LA", "P"):
        content = _encode(image.convert("RGBA"), "PNG", optimize=True)
        content_type, extension = "image/png", "png"
        flat = Image.new("RGB", image.size, "white")
        flat.paste(image.convert("RGBA"), mask=image.convert("RGBA").split()[-1])
    else:
        flat = image.convert("RGB")
        # No exif= and no icc_profile= given: Pillow writes none of the original's metadata.
        content = _encode(flat, "JPEG", quality=85, optimize=True)
        content_type, extension = "image/jpeg", "jpg"
    thumb = flat.copy()
    thumb.thumbnail((THUMBNAIL_SIDE, THUMBNAIL_SIDE))
    return Processed(
        content=content,
        content_type=content_type,
        extension=extension,
        original_name=name[:200],
        thumbnail=_encode(thumb, "JPEG", quality=80),
        is_image=True,
    )


def process_upload(upload):
    """An uploaded photo, scan or PDF, checked and ready to store; else a ValidationError."""
    data = _read(upload)
    kind = sniff(data[:16])
    if kind in IMAGE_TYPES:
        return reencode_image(data, upload.name)
    if kind == "pdf":
        if b"%%EOF" not in data[-1024:]:
            raise ValidationError(
                _("%(name)s is an incomplete PDF; save it again and retry.") % {"name": upload.name}
            )
        return Processed(data, "application/pdf", "pdf", upload.name[:200])
    raise ValidationError(
        _(
            "%(name)s is not a photo or a PDF (whatever its name says); "
            "attach a JPEG or PNG photo or a PDF scan."
        )
        % {"name": upload.name}
    )


def process_signature(data_url):
    """The guardian's signature drawn on the screen (a PNG data URL), re-encoded."""
    prefix = "data:image/png;base64,"
    if not data_url.startswith(prefix):
        raise ValidationError(_("The signature could not be read; ask the guardian to sign again."))
    try:
        data = base64.b64decode(data_url[len(prefix) :], validate=True)
    except (binascii.Error, ValueError) as e:
        raise ValidationError(
            _("The signature could not be read; ask the guardian to sign again.")
        ) from e
    if len(data) > conf.EVIDENCE_MAX_BYTES or sniff(data[:16]) != "png":
        raise ValidationError(_("The signature could not be read; ask the guardian to sign again."))
    processed = reencode_image(data, "signature.png", keep_transparency=True)
    processed.original_name = _("guardian's signature") + ".png"
    return processed
