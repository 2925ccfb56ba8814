"""Send the record's reads to the replica and every write to the primary.

Only installed by settings when DATABASE_REPLICA_URL is set. Sessions, accounts and history
stay on the primary. A reader may see a publication as late as the replica lags behind.
"""


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if model._meta.app_label in ("timeline",) and not hints.get("instance"):
            return "replica"
        return "default"

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"
