"""A pg_trgm GIN index on the requests' folded text (PostgreSQL only; nothing on SQLite)."""

from django.db import migrations

from danchu.core.search import TrigramIndex


class Migration(migrations.Migration):
    dependencies = [("petitions", "0001_initial")]

    operations = [TrigramIndex("petitions_citizenrequest", "search_folded")]
