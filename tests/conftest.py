import pytest
from django.test import Client

from home.seed import SeedLoader


@pytest.fixture
def seed(db):
    """The seed document loaded into pages and checklist items."""
    SeedLoader().run()


@pytest.fixture
def client():
    # The login throttle (django-axes) needs a request on authenticate(); force_login skips it.
    return Client()
