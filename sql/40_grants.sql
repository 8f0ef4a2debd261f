-- Schema and table privileges. Start from nothing, then grant what each role needs:
-- authenticated reads (RLS narrows it to its org); service_role reads and writes the
-- operational tables; the audit log is append-only through the booking functions, so
-- nobody but its owner writes it. anon gets nothing.
REVOKE ALL ON public.organizations, public.staff_members, public.customers, public.services,
              public.appointments, public.appointment_audit_log, public.webhook_delivery_log
    FROM PUBLIC, anon, authenticated, service_role;

REVOKE ALL ON ALL TABLES IN SCHEMA app_private FROM PUBLIC, anon, authenticated, service_role;

REVOKE ALL ON SCHEMA app_private FROM PUBLIC, anon, authenticated, service_role;

-- btree_gist (migration 0008): no API role may use the schema, call its functions or see them
REVOKE ALL ON SCHEMA extensions FROM PUBLIC, anon, authenticated, service_role;

-- Nobody but the owner creates in a schema the functions use, whatever the database's history
-- (PUBLIC had CREATE on public until PostgreSQL 15, and keeps it in an upgraded database).
REVOKE CREATE ON SCHEMA public FROM PUBLIC, anon, authenticated, service_role;

GRANT USAGE ON SCHEMA public TO authenticated, service_role;

GRANT SELECT ON public.organizations, public.staff_members, public.customers, public.services,
                public.appointments, public.webhook_delivery_log
    TO authenticated;

-- A tenant reads its own history, but not the audit log's id: it comes from one sequence for
-- every org, and a tenant would learn from its own ids how many changes the others made.
-- (PostgREST: select the columns by name, `select=*` asks for the id too.)
GRANT SELECT (org_id, appointment_id, action, actor, old_values, new_values, reason, created_at)
    ON public.appointment_audit_log TO authenticated;

GRANT SELECT, INSERT, UPDATE, DELETE
    ON public.organizations, public.staff_members, public.customers, public.services,
       public.appointments, public.webhook_delivery_log
    TO service_role;

GRANT SELECT ON public.appointment_audit_log TO service_role;

-- REVOKE by a role that is not the schema's owner (nor holds the grant option) only warns and
-- changes nothing: check the outcome, and refuse the deployment if a schema is still open.
DO $$
DECLARE
    v_open text;
BEGIN
    SELECT string_agg(format('%s can CREATE in schema %s (owned by %s)', r.rolname, n.nspname,
                             pg_catalog.pg_get_userbyid(n.nspowner)), '; ')
    INTO v_open
    FROM pg_catalog.pg_namespace AS n
    CROSS JOIN (VALUES ('PUBLIC'), ('anon'), ('authenticated'), ('service_role')) AS r(rolname)
    WHERE n.nspname IN ('public', 'app_private', 'extensions')
      AND CASE WHEN r.rolname = 'PUBLIC'
               THEN EXISTS (SELECT 1 FROM pg_catalog.aclexplode(coalesce(n.nspacl, pg_catalog.acldefault('n', n.nspowner))) AS a
                            WHERE a.grantee = 0 AND a.privilege_type = 'CREATE')
               ELSE pg_catalog.has_schema_privilege(r.rolname, n.oid, 'CREATE') END;
    IF v_open IS NOT NULL THEN
        RAISE EXCEPTION 'untrusted roles can create objects where the SECURITY DEFINER functions look: %', v_open
            USING ERRCODE = '42501',
                  HINT = format('the deploying role %s could not revoke it: have the schema''s owner run '
                                'REVOKE CREATE ON SCHEMA public FROM PUBLIC, then deploy again', current_user);
    END IF;
END
$$;
