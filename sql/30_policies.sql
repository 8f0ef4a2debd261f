-- Row-level security policies (RLS itself is enabled and forced by the migrations).
-- Every table gets the same three:
--   <table>_org_isolation       SELECT, to authenticated: its own org only. Its writes go through
--                               the SECURITY DEFINER functions, which check the org themselves
--                               (authenticated has no INSERT/UPDATE/DELETE privilege).
--   <table>_service_role_bypass ALL, to service_role.
--   <table>_owner_access        ALL, to the role that deploys (CURRENT_USER here), which owns the
--                               tables and the definer functions. RLS is forced, so the owner goes
--                               through policies too: this one is how the definer functions read
--                               and write every org's rows when the owner is not a superuser and
--                               has no BYPASSRLS (managed PostgreSQL services).
-- anon: no policy and no privilege, so nothing. The claim is read as
-- (SELECT app_private.request_org_id()): an initplan, evaluated once per statement.
DO $$
DECLARE
    t record;
BEGIN
    FOR t IN
        SELECT * FROM (VALUES ('organizations', 'id'), ('staff_members', 'org_id'), ('customers', 'org_id'),
                              ('services', 'org_id'), ('appointments', 'org_id'),
                              ('appointment_audit_log', 'org_id'), ('webhook_delivery_log', 'org_id'))
                      AS tenant_tables(name, org_column)
    LOOP
        EXECUTE format('DROP POLICY IF EXISTS %I ON public.%I', t.name || '_org_isolation', t.name);
        EXECUTE format('CREATE POLICY %I ON public.%I FOR SELECT TO authenticated'
                       ' USING (%I = (SELECT app_private.request_org_id()))',
                       t.name || '_org_isolation', t.name, t.org_column);
        EXECUTE format('DROP POLICY IF EXISTS %I ON public.%I', t.name || '_service_role_bypass', t.name);
        EXECUTE format('CREATE POLICY %I ON public.%I FOR ALL TO service_role USING (true) WITH CHECK (true)',
                       t.name || '_service_role_bypass', t.name);
        EXECUTE format('DROP POLICY IF EXISTS %I ON public.%I', t.name || '_owner_access', t.name);
        EXECUTE format('CREATE POLICY %I ON public.%I FOR ALL TO CURRENT_USER USING (true) WITH CHECK (true)',
                       t.name || '_owner_access', t.name);
    END LOOP;
END
$$;
