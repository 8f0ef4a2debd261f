DELETE FROM pgsuite.migration_ledger WHERE migration_id = %(migration_id)s;
