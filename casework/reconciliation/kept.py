"""A chosen file kept on the server while the upload form is corrected.

The browser forgets a chosen file when the form comes back with an error; the file is saved
under a random name and the form carries a signed token naming it and the user, so nobody
else can claim it and no path can be forged. Kept files are read at most once and swept after
``KEEP_SECONDS``.
"""

import datetime
import uuid

from django.core import signing
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

FOLDER = "casework/imports/kept"
KEEP_SECONDS = 3600
_SALT = "casework.reconciliation.kept"


def keep(upload, user):
    """Save ``upload``; returns the token the form carries."""
    sweep()
    upload.seek(0)
    path = default_storage.save(f"{FOLDER}/{uuid.uuid4().hex}.xlsx", ContentFile(upload.read()))
    return signing.dumps({"path": path, "name": upload.name, "user": user.pk}, salt=_SALT)


def take(token, user):
    """The kept file the token names (a ``ContentFile`` with its original name), or None."""
    if not token:
        return None
    try:
        data = signing.loads(token, salt=_SALT, max_age=KEEP_SECONDS)
    except signing.BadSignature:
        return None
    path = data.get("path", "")
    if data.get("user") != user.pk or not path.startswith(f"{FOLDER}/"):
        return None
    if not default_storage.exists(path):
        return None
    with default_storage.open(path, "rb") as f:
        content = ContentFile(f.read(), name=data.get("name") or "list.xlsx")
    default_storage.delete(path)
    return content


def sweep(now=None):
    """Delete kept files older than ``KEEP_SECONDS``: children's data is not left lying about."""
    cutoff = (now or timezone.now()) - datetime.timedelta(seconds=KEEP_SECONDS)
    try:
        _folders, files = default_storage.listdir(FOLDER)
    except FileNotFoundError:
        return
    for name in files:
        path = f"{FOLDER}/{name}"
        if default_storage.get_modified_time(path) < cutoff:
            default_storage.delete(path)
