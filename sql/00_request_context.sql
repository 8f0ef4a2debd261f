-- Who is calling, for which org, and the argument check every API function shares.
-- Internal helpers live in app_private, which no API role can use: PostgREST exposes only the
-- documented functions, and a helper is reached only through them (as their owner).
-- Every PL/pgSQL function pins search_path to pg_catalog, pg_temp: pg_catalog first for every
-- unqualified built-in, the caller's temporary schema last (an empty search_path would search it
-- FIRST for types and relations), and everything of the schema is named with its schema.
-- The one-expression helpers are SQL-standard bodies (RETURN ...): parsed and bound to their
-- objects when created (pg_catalog first), so no caller's search_path reaches them, and without
-- a SET clause PostgreSQL inlines them into the calling statement (no call, no plan of their own).
-- SQLSTATEs raised here are documented in README.md ("Errors").

-- The tenant: the org_id claim of the PostgREST/Supabase JWT. Policies call it as
-- (SELECT app_private.request_org_id()) so that it is evaluated once per statement; they run
-- as the querying role, which therefore has EXECUTE on it (but no USAGE on the schema: it
-- cannot call it by name). A malformed claim raises (22P02): isolation fails closed.
CREATE OR REPLACE FUNCTION app_private.request_org_id()
RETURNS uuid
LANGUAGE sql STABLE
RETURN (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'org_id')::uuid;

-- Who did it, for the audit trail: the JWT subject, else the session's login role.
CREATE OR REPLACE FUNCTION app_private.request_actor()
RETURNS text
LANGUAGE sql STABLE
RETURN coalesce(nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub', session_user::text);

-- The org a caller may act on. A SECURITY DEFINER function bypasses RLS, so it asks this itself.
-- The caller is the role set by SET ROLE (PostgREST), else the login role: inside a definer
-- function current_user is the owner and says nothing about the caller.
-- Trusted callers, members of service_role and of the owning role (superusers included), may
-- act on any org: p_org_id comes back as given, NULL meaning every org. Everyone else acts on
-- the org of their claim only, which comes back; 42501 without a claim or for another org.
CREATE OR REPLACE FUNCTION app_private.authorize_org(p_org_id uuid)
RETURNS uuid
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_caller name := coalesce(nullif(current_setting('role'), 'none'), session_user);
    v_claimed uuid;
BEGIN
    IF pg_has_role(v_caller, 'service_role', 'USAGE') OR pg_has_role(v_caller, current_user, 'USAGE') THEN
        RETURN p_org_id;
    END IF;
    v_claimed := app_private.request_org_id();
    IF v_claimed IS NULL THEN
        RAISE EXCEPTION 'role % has no org_id claim in request.jwt.claims', v_caller
            USING ERRCODE = '42501';
    END IF;
    IF p_org_id <> v_claimed THEN
        RAISE EXCEPTION 'role % of org % may not act on org %', v_caller, v_claimed, p_org_id
            USING ERRCODE = '42501';
    END IF;
    RETURN v_claimed;
END
$$;

-- 22004 naming every required argument that is NULL. The caller passes them as one jsonb
-- object, jsonb_build_object('p_org_id', p_org_id, ...): one typed helper, no polymorphic
-- signature that an exact-type overload could capture.
CREATE OR REPLACE FUNCTION app_private.require_arguments(p_arguments jsonb)
RETURNS void
LANGUAGE plpgsql IMMUTABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_missing text;
BEGIN
    SELECT string_agg(a.key, ', ' ORDER BY a.key) INTO v_missing
    FROM jsonb_each(p_arguments) AS a
    WHERE a.value = 'null'::jsonb;
    IF v_missing IS NOT NULL THEN
        RAISE EXCEPTION 'argument % must not be NULL', v_missing USING ERRCODE = '22004';
    END IF;
END
$$;

REVOKE ALL ON FUNCTION app_private.request_org_id() FROM PUBLIC;
REVOKE ALL ON FUNCTION app_private.request_actor() FROM PUBLIC;
REVOKE ALL ON FUNCTION app_private.authorize_org(uuid) FROM PUBLIC;
REVOKE ALL ON FUNCTION app_private.require_arguments(jsonb) FROM PUBLIC;
-- The tenant isolation policies call it as the querying role.
GRANT EXECUTE ON FUNCTION app_private.request_org_id() TO authenticated;
