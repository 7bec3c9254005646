"""Moving the test database along the petitions migrations, and reading a table's indexes."""

from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader

# Every app's newest migration: a test that migrates petitions backwards also unapplies the
# other apps' migrations that depend on the later ones (reports' rollup tables), and ends here.
LATEST = MigrationLoader(None, ignore_no_migrations=True).graph.leaf_nodes()


def migrate(target):
    """Migrate to ``target`` and return the apps of that state."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(target)
    return executor.loader.project_state(target).apps


def indexes(table: str) -> dict[str, list[str]]:
    """The table's plain (not unique, not primary-key) indexes: name -> columns."""
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
    return {
        name: c["columns"]
        for name, c in constraints.items()
        if c["index"] and not (c["unique"] or c["primary_key"])
    }
