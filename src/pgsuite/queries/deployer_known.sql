SELECT CASE WHEN to_regclass('pgsuite.migration_ledger') IS NOT NULL
            THEN has_schema_privilege('pgsuite', 'USAGE')
                 AND has_table_privilege(to_regclass('pgsuite.migration_ledger'), 'SELECT')
            ELSE false END
