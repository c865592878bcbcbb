"""Tests: fast hashing, tasks run inline, in-memory mail."""

from .base import *  # noqa: F403
from .base import CASEWORK, Q_CLUSTER

DEBUG = False
SECRET_KEY = "test-only-key"
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
Q_CLUSTER = {**Q_CLUSTER, "sync": True}
AXES_ENABLED = True
# The suite logs users in with force_login, which gives no second factor: two-factor login is
# off here and turned on by the tests of it (tests/test_two_factor*.py).
CASEWORK = {**CASEWORK, "TWO_FACTOR": False}
