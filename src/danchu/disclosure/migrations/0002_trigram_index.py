from django.db import migrations

from danchu.core.search import TrigramIndex


class Migration(migrations.Migration):
    dependencies = [("disclosure", "0001_initial")]

    operations = [TrigramIndex("disclosure_disclosure", "search_folded")]
