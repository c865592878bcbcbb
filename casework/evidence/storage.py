"""Where evidence files live: a folder of their own, outside MEDIA_ROOT, never served directly."""

from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage

from casework.conf import conf


def evidence_root():
    """``CASEWORK["EVIDENCE_ROOT"]``, else a folder ``evidence`` next to MEDIA_ROOT."""
    return Path(conf.EVIDENCE_ROOT or Path(settings.MEDIA_ROOT).resolve().parent / "evidence")


class EvidenceStorage(FileSystemStorage):
    """File-system storage whose folder is read from the settings each time (tests change it)."""

    @property
    def base_location(self):
        return str(evidence_root())

    @property
    def location(self):
        return str(evidence_root().resolve())

    def url(self, name):
        # Evidence has no public address: it is served only by the scoped download view.
        raise ValueError("Evidence files are served by casework_evidence_download only.")


_storage = EvidenceStorage()


def evidence_storage():
    return _storage
