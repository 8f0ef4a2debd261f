-- status is read-only: it reads the ledgers only where earlier runs created them.
SELECT to_regclass('public._yoyo_migration') IS NOT NULL,
       to_regclass('pgsuite.migration_ledger') IS NOT NULL,
       to_regclass('pgsuite.repeatable_ledger') IS NOT NULL
