from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("timeline", "0006_editorial_revisions_and_staged_imports"),
        ("timeline", "0007_merge_record_readpath_harden"),
    ]

    operations = []
