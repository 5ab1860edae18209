import pytest
from django.db import connection
from zones.models import Zone
pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True)]
def test_a(login):
    page = login("analyst")
    page.goto("/")
    print("\nA", id(connection._connections._connections if hasattr(connection,'_connections') else 0), Zone.objects.count())
def test_b(live_server):
    print("\nB", hasattr(connection, "_test_serialized_contents"), Zone.objects.count())
