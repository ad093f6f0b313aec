from django.db import migrations

from lianfang.core.natural import FUNCTION_SQL


class Migration(migrations.Migration):
    dependencies = [("core", "0005_alert_inbox")]

    operations = [
        migrations.RunSQL(FUNCTION_SQL, "DROP FUNCTION IF EXISTS lianfang_natural_key(text)"),
    ]
