"""Working-day adjustments per commune: ``commune`` empty is national (the 2026-08-22 seed row
stays national); a commune's row wins over the national one for its date."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0003_seed_working_day_overrides'),
        ('territory', '0002_trigram_indexes'),
    ]

    operations = [
        migrations.AddField(
            model_name='workingdayoverride',
            name='commune',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='working_day_overrides', to='territory.administrativeunit', verbose_name='commune'),
        ),
        migrations.AlterField(
            model_name='workingdayoverride',
            name='date',
            field=models.DateField(verbose_name='date'),
        ),
        migrations.AddConstraint(
            model_name='workingdayoverride',
            constraint=models.UniqueConstraint(condition=models.Q(('commune__isnull', True)), fields=('date',), name='wdo_national_date_unique'),
        ),
        migrations.AddConstraint(
            model_name='workingdayoverride',
            constraint=models.UniqueConstraint(condition=models.Q(('commune__isnull', False)), fields=('commune', 'date'), name='wdo_commune_date_unique'),
        ),
    ]
