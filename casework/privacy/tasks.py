from casework.access.tasks import system_task
from casework.privacy.anonymise import run


@system_task
def anonymise_expired():
    """The nightly retention run: personal data past ``RETENTION_YEARS`` is removed."""
    return run().pk
