"""pg_trgm GIN indexes on the folded search columns (PostgreSQL only; SQLite scans the column)."""

from django.db import migrations

from danchu.core.search import TrigramIndex


class Migration(migrations.Migration):
    dependencies = [("territory", "0001_initial")]
    operations = [
        TrigramIndex("territory_resident", "name_folded"),
        TrigramIndex("territory_household", "address_folded"),
        TrigramIndex("territory_household", "representative_name_folded"),
        TrigramIndex("territory_administrativeunit", "name_folded"),
    ]
