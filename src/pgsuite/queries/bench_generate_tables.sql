-- pgsuite.bench_tables (a setting) generic tables for `pgsuite bench verify` on a project that
-- ships no verify/bench_tables.sql of its own shape: a key, a foreign key with its index, a
-- check, a default, an index. Clean under every generic lint, so verify measures, not reports.
DO $$
DECLARE
    i integer;
BEGIN
    CREATE TABLE public.bench_parent (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY);
    FOR i IN 1 .. current_setting('pgsuite.bench_tables')::integer LOOP
        EXECUTE format($f$
            CREATE TABLE public.bench_%1$s (
                id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                parent_id bigint NOT NULL REFERENCES public.bench_parent (id),
                name text NOT NULL,
                amount integer NOT NULL DEFAULT 0 CHECK (amount >= 0),
                created_at timestamptz NOT NULL DEFAULT now());
            CREATE INDEX bench_%1$s_parent_id ON public.bench_%1$s (parent_id);
            CREATE INDEX bench_%1$s_created_at ON public.bench_%1$s (created_at);
        $f$, lpad(i::text, 5, '0'));
    END LOOP;
END
$$;
