-- `pgsuite bench verify`'s extra tables for this project (pgsuite.bench_tables, a setting, of them),
-- tenant tables shaped like the real ones: keyed (org_id, id), a foreign
-- key to organizations (with its index: the primary key leads with org_id), RLS enabled
-- and forced, the two policies. Clean under every lint, so verify measures, not reports.
DO $$
DECLARE
    i integer;
BEGIN
    FOR i IN 1 .. current_setting('pgsuite.bench_tables')::integer LOOP
        EXECUTE format($f$
            CREATE TABLE public.bench_%1$s (
                id uuid NOT NULL DEFAULT gen_random_uuid(),
                org_id uuid NOT NULL REFERENCES public.organizations (id) ON DELETE CASCADE,
                name text NOT NULL,
                amount integer NOT NULL DEFAULT 0 CHECK (amount >= 0),
                created_at timestamptz NOT NULL DEFAULT now(),
                CONSTRAINT bench_%1$s_pkey PRIMARY KEY (org_id, id));
            CREATE INDEX bench_%1$s_created_at ON public.bench_%1$s (created_at);
            ALTER TABLE public.bench_%1$s ENABLE ROW LEVEL SECURITY;
            ALTER TABLE public.bench_%1$s FORCE ROW LEVEL SECURITY;
            CREATE POLICY bench_%1$s_org_isolation ON public.bench_%1$s FOR SELECT TO authenticated
                USING (org_id = (SELECT app_private.request_org_id()));
            CREATE POLICY bench_%1$s_service_role_bypass ON public.bench_%1$s FOR ALL TO service_role
                USING (true) WITH CHECK (true);
        $f$, lpad(i::text, 5, '0'));
    END LOOP;
END
$$;
