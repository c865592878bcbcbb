"""The site as tests/test_faults.py starts it in subprocesses (manage.py, qcluster, gunicorn).

The development settings, with no second factor at login and e-mail written to files in
``FAULT_MAIL_DIR`` by ``tests.fault_mail.EmailBackend``, which can stall like a mail server.
"""

from config.settings.dev import *  # noqa: F403
from config.settings.dev import CASEWORK

CASEWORK = {**CASEWORK, "TWO_FACTOR": False}
EMAIL_BACKEND = "tests.fault_mail.EmailBackend"
