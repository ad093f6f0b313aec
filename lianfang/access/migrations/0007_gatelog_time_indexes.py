# The gate log of a whole city (access/passages.py): three indexes read backwards by time. Built
# CONCURRENTLY (the gates keep scanning while a large passage table is indexed), hence not atomic.

from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("access", "0006_gate_scan_one_exit_at_a_time"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="passage",
            index=models.Index(
                fields=["server_time", "path"],
                name="access_passage_time_path",
                opclasses=["", "varchar_pattern_ops"],
            ),
        ),
        AddIndexConcurrently(
            model_name="passage",
            index=models.Index(
                condition=models.Q(("decision", "allowed"), _negated=True),
                fields=["server_time", "path", "code"],
                name="access_passage_not_allowed",
                opclasses=["", "varchar_pattern_ops", ""],
            ),
        ),
        AddIndexConcurrently(
            model_name="passage",
            index=models.Index(
                condition=models.Q(("decision", "allowed"), _negated=True),
                fields=["gate", "server_time", "code"],
                name="access_passage_gate_refusals",
            ),
        ),
    ]
