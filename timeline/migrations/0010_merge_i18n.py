from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("timeline", "0009_i18n_korean_fields"),
        ("timeline", "0009_merge_kind_order_index"),
    ]

    operations = []
