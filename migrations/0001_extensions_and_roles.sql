-- Extensions and roles the schema needs.
-- btree_gist gives uuid equality a GiST operator class, which the no-overlap exclusion
-- constraint on appointments needs. The roles follow PostgREST/Supabase conventions.
CREATE EXTENSION IF NOT EXISTS btree_gist;

-- Roles are cluster-wide and may already exist (created by the platform, or by another
-- database's migration running at the same moment): create each only if it is missing.
DO $$
DECLARE
    role_name text;
BEGIN
    FOREACH role_name IN ARRAY ARRAY['anon', 'authenticated', 'service_role'] LOOP
        IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = role_name) THEN
            BEGIN
                EXECUTE format('CREATE ROLE %I NOLOGIN', role_name);
            EXCEPTION WHEN duplicate_object OR unique_violation THEN
                NULL;  -- created concurrently by another session: just as good
            END;
        END IF;
    END LOOP;
END
$$;
