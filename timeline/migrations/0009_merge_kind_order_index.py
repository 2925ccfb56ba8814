from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("timeline", "0007_readpath_kind_order_index"),
        ("timeline", "0008_merge_editorial"),
    ]

    operations = []
