-- Whether the backend running this statement holds pgsuite's migration lock: behind a
-- transaction pooler, the session that took it may not be the one that answers. The key is
-- matched as migration_lock_holder.sql matches it.
SELECT EXISTS (
    SELECT 1 FROM pg_catalog.pg_locks AS l
    WHERE l.locktype = 'advisory' AND l.granted AND l.pid = pg_catalog.pg_backend_pid()
      AND l.database = (SELECT oid FROM pg_catalog.pg_database WHERE datname = pg_catalog.current_database())
      AND l.objsubid = 1
      AND ((l.classid::bigint << 32) | l.objid::bigint) = %(key)s
)
