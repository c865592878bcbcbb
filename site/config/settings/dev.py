"""Local development: DEBUG on, console mail, a fixed key that is never used in production."""

from .base import *  # noqa: F403

DEBUG = True
SECRET_KEY = "dev-only-insecure-key-sichasibu"
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]
