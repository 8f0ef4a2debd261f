-- Who is calling, for which org, and the checks every booking function shares.
-- SQLSTATEs raised here are documented in README.md ("Errors").

-- The tenant: the org_id claim of the PostgREST/Supabase JWT. Policies call it as
-- (SELECT public.request_org_id()) so that it is evaluated once per statement.
-- A malformed claim raises (22P02): isolation fails closed.
CREATE OR REPLACE FUNCTION public.request_org_id()
RETURNS uuid
LANGUAGE sql STABLE
SET search_path = ''
AS $$
    SELECT (nullif(pg_catalog.current_setting('request.jwt.claims', true), '')::jsonb ->> 'org_id')::uuid
$$;

-- Who did it, for the audit trail: the JWT subject, else the session's login role.
CREATE OR REPLACE FUNCTION public.request_actor()
RETURNS text
LANGUAGE sql STABLE
SET search_path = ''
AS $$
    SELECT coalesce(
        nullif(pg_catalog.current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub',
        session_user::text
    )
$$;

-- A SECURITY DEFINER function bypasses RLS, so it must check the tenant itself.
-- The caller is the role set by SET ROLE (PostgREST), else the login role: a definer
-- function's current_user is its owner and says nothing about the caller.
-- service_role (and its members, superusers included) may act on any org; everyone
-- else only on the org of their claim.  42501 otherwise.
CREATE OR REPLACE FUNCTION public.assert_org_access(p_org_id uuid)
RETURNS void
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
DECLARE
    v_caller text := pg_catalog.current_setting('role');
    v_claimed uuid;
BEGIN
    IF v_caller = 'none' THEN
        v_caller := session_user;
    END IF;
    IF pg_catalog.pg_has_role(v_caller, 'service_role', 'USAGE') THEN
        RETURN;
    END IF;
    v_claimed := public.request_org_id();
    IF v_claimed IS NULL THEN
        RAISE EXCEPTION 'role % has no org_id claim in request.jwt.claims', v_caller
            USING ERRCODE = '42501';
    END IF;
    IF p_org_id IS DISTINCT FROM v_claimed THEN
        RAISE EXCEPTION 'role % of org % may not act on org %', v_caller, v_claimed, p_org_id
            USING ERRCODE = '42501';
    END IF;
END
$$;

-- 22004 when a required argument is NULL, naming it.
CREATE OR REPLACE FUNCTION public.require_argument(p_value anyelement, p_name text)
RETURNS void
LANGUAGE plpgsql IMMUTABLE
SET search_path = ''
AS $$
BEGIN
    IF p_value IS NULL THEN
        RAISE EXCEPTION 'argument % must not be NULL', p_name USING ERRCODE = '22004';
    END IF;
END
$$;

-- 22023 for a booking window that is empty, reversed or longer than the maximum
-- (setting pgsuite.max_booking_duration, default 24 hours).
CREATE OR REPLACE FUNCTION public.validate_booking_window(p_start_time timestamptz, p_end_time timestamptz)
RETURNS void
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
DECLARE
    v_max interval := coalesce(
        nullif(pg_catalog.current_setting('pgsuite.max_booking_duration', true), '')::interval,
        interval '24 hours'
    );
BEGIN
    IF p_end_time <= p_start_time THEN
        RAISE EXCEPTION 'end time % must be after start time %', p_end_time, p_start_time
            USING ERRCODE = '22023';
    END IF;
    IF p_end_time - p_start_time > v_max THEN
        RAISE EXCEPTION 'booking of % is longer than the maximum of % (pgsuite.max_booking_duration)',
            p_end_time - p_start_time, v_max
            USING ERRCODE = '22023';
    END IF;
END
$$;

-- 23503 naming the first reference that does not exist in the org (an inactive staff
-- member or service counts as unknown: it cannot be booked).
CREATE OR REPLACE FUNCTION public.require_booking_references(
    p_org_id uuid, p_staff_id uuid, p_customer_id uuid, p_service_id uuid
)
RETURNS void
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM public.organizations WHERE id = p_org_id) THEN
        RAISE EXCEPTION 'unknown org_id %', p_org_id USING ERRCODE = '23503';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM public.staff_members
                   WHERE org_id = p_org_id AND id = p_staff_id AND active) THEN
        RAISE EXCEPTION 'unknown or inactive staff member % in org %', p_staff_id, p_org_id
            USING ERRCODE = '23503';
    END IF;
    IF p_customer_id IS NOT NULL AND NOT EXISTS (
        SELECT 1 FROM public.customers WHERE org_id = p_org_id AND id = p_customer_id
    ) THEN
        RAISE EXCEPTION 'unknown customer % in org %', p_customer_id, p_org_id USING ERRCODE = '23503';
    END IF;
    IF p_service_id IS NOT NULL AND NOT EXISTS (
        SELECT 1 FROM public.services WHERE org_id = p_org_id AND id = p_service_id AND active
    ) THEN
        RAISE EXCEPTION 'unknown or inactive service % in org %', p_service_id, p_org_id
            USING ERRCODE = '23503';
    END IF;
END
$$;

-- The advisory lock key of one staff member's calendar: every booking change for
-- (org, staff) serialises on it, whatever the times involved.
CREATE OR REPLACE FUNCTION public.booking_lock_key(p_org_id uuid, p_staff_id uuid)
RETURNS bigint
LANGUAGE sql IMMUTABLE
SET search_path = ''
AS $$
    SELECT pg_catalog.hashtextextended(p_org_id::text || '/' || p_staff_id::text, 0)
$$;

-- Active appointments of a staff member overlapping [start, end), as a jsonb array, or
-- NULL when there are none. Same expression and predicate as appointments_no_overlap,
-- so the planner uses that constraint's GiST index.
CREATE OR REPLACE FUNCTION public.find_conflicts(
    p_org_id uuid, p_staff_id uuid, p_start_time timestamptz, p_end_time timestamptz,
    p_exclude_appointment_id uuid
)
RETURNS jsonb
LANGUAGE sql STABLE
SET search_path = ''
AS $$
    SELECT jsonb_agg(
               jsonb_build_object('appointment_id', a.id, 'start_time', a.start_time,
                                  'end_time', a.end_time, 'status', a.status)
               ORDER BY a.start_time)
    FROM public.appointments AS a
    WHERE a.org_id = p_org_id
      AND a.staff_id = p_staff_id
      AND a.status <> 'cancelled'
      AND tstzrange(a.start_time, a.end_time, '[)') && tstzrange(p_start_time, p_end_time, '[)')
      AND a.id IS DISTINCT FROM p_exclude_appointment_id
$$;

-- The slot_conflict outcome. When the conflict surfaced as the exclusion constraint's
-- violation (the caller's REPEATABLE READ or SERIALIZABLE snapshot predates the lock and
-- cannot see the other row), the conflicting range is read from the error's detail.
CREATE OR REPLACE FUNCTION public.slot_conflict_outcome(
    p_staff_id uuid, p_start_time timestamptz, p_end_time timestamptz,
    p_conflicts jsonb, p_constraint_detail text DEFAULT NULL
)
RETURNS jsonb
LANGUAGE plpgsql STABLE
SET search_path = ''
AS $$
DECLARE
    v_conflicts jsonb := p_conflicts;
    v_range tstzrange;
BEGIN
    IF v_conflicts IS NULL THEN
        v_range := (regexp_match(p_constraint_detail, 'conflicts with existing key \(.*, (\[.*\))\)\.?$'))[1]::tstzrange;
        v_conflicts := jsonb_build_array(jsonb_build_object(
            'appointment_id', NULL, 'start_time', lower(v_range), 'end_time', upper(v_range),
            'status', NULL, 'detail', p_constraint_detail));
    END IF;
    RETURN jsonb_build_object(
        'success', false,
        'error_code', 'slot_conflict',
        'message', format('staff member %s is already booked between %s and %s', p_staff_id, p_start_time, p_end_time),
        'conflicts', v_conflicts);
END
$$;

REVOKE ALL ON FUNCTION public.request_org_id() FROM PUBLIC;
REVOKE ALL ON FUNCTION public.request_actor() FROM PUBLIC;
REVOKE ALL ON FUNCTION public.assert_org_access(uuid) FROM PUBLIC;
REVOKE ALL ON FUNCTION public.require_argument(anyelement, text) FROM PUBLIC;
REVOKE ALL ON FUNCTION public.validate_booking_window(timestamptz, timestamptz) FROM PUBLIC;
REVOKE ALL ON FUNCTION public.require_booking_references(uuid, uuid, uuid, uuid) FROM PUBLIC;
REVOKE ALL ON FUNCTION public.booking_lock_key(uuid, uuid) FROM PUBLIC;
REVOKE ALL ON FUNCTION public.find_conflicts(uuid, uuid, timestamptz, timestamptz, uuid) FROM PUBLIC;
REVOKE ALL ON FUNCTION public.slot_conflict_outcome(uuid, timestamptz, timestamptz, jsonb, text) FROM PUBLIC;
-- Policies and the SECURITY INVOKER metrics run these as the querying role.
GRANT EXECUTE ON FUNCTION public.request_org_id() TO authenticated, service_role;
GRANT EXECUTE ON FUNCTION public.assert_org_access(uuid) TO authenticated, service_role;
GRANT EXECUTE ON FUNCTION public.booking_lock_key(uuid, uuid) TO authenticated, service_role;
