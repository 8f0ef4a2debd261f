-- Booking and availability, and their internal helpers (app_private).
-- Outcomes and SQLSTATEs are documented in README.md.

-- 22023 for a booking window that is empty, reversed or longer than the maximum, which is
-- app_private.booking_settings.max_booking_duration: only the owner can change it. The length
-- is compared in seconds: end - start as an interval overflows between the extremes of
-- timestamptz (4713 BC to 294276 AD) and wraps to a negative interval, which is "not longer".
-- Epochs are numeric: exact, no overflow, infinity included (infinity - infinity is NaN, which
-- is greater than every number: refused).
CREATE OR REPLACE FUNCTION app_private.validate_booking_window(p_start_time timestamptz, p_end_time timestamptz)
RETURNS void
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_max interval;
BEGIN
    IF p_end_time <= p_start_time THEN
        RAISE EXCEPTION 'end time % must be after start time %', p_end_time, p_start_time
            USING ERRCODE = '22023';
    END IF;
    SELECT s.max_booking_duration INTO v_max FROM app_private.booking_settings AS s;
    IF extract(epoch FROM p_end_time) - extract(epoch FROM p_start_time) > extract(epoch FROM v_max) THEN
        RAISE EXCEPTION 'booking from % to % is longer than the maximum of % (app_private.booking_settings)',
            p_start_time, p_end_time, v_max
            USING ERRCODE = '22023';
    END IF;
END
$$;

-- 22001 naming a text argument longer than its column's limit (the CHECK constraints of
-- migration 0008 hold for every writer; this names the argument before anything is written).
CREATE OR REPLACE FUNCTION app_private.require_length(p_argument text, p_value text, p_limit integer)
RETURNS void
LANGUAGE plpgsql IMMUTABLE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF char_length(p_value) > p_limit THEN
        RAISE EXCEPTION 'argument % is % characters long; at most % are kept', p_argument, char_length(p_value),
            p_limit USING ERRCODE = '22001';
    END IF;
END
$$;

-- 23503 naming the first reference that does not exist in the org (an inactive staff
-- member or service counts as unknown: it cannot be booked).
CREATE OR REPLACE FUNCTION app_private.require_booking_references(
    p_org_id uuid, p_staff_id uuid, p_customer_id uuid, p_service_id uuid
)
RETURNS void
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    -- A staff member of the org implies the org (foreign key): the org is looked up only when
    -- the staff member is not found, to name the right one.
    IF NOT EXISTS (SELECT 1 FROM public.staff_members
                   WHERE org_id = p_org_id AND id = p_staff_id AND active) THEN
        IF NOT EXISTS (SELECT 1 FROM public.organizations WHERE id = p_org_id) THEN
            RAISE EXCEPTION 'unknown org_id %', p_org_id USING ERRCODE = '23503';
        END IF;
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

-- Active appointments of a staff member overlapping [start, end), as a jsonb array, or
-- NULL when there are none. Same expression and predicate as appointments_no_overlap,
-- so the planner uses that constraint's GiST index. PL/pgSQL, not SQL: its plans are kept
-- for the session (a SQL function with a SET clause is planned on every call: 50 us of a
-- booking's 190), and the usual answer, none, costs one EXISTS and builds nothing.
CREATE OR REPLACE FUNCTION app_private.find_conflicts(
    p_org_id uuid, p_staff_id uuid, p_start_time timestamptz, p_end_time timestamptz,
    p_exclude_appointment_id uuid
)
RETURNS jsonb
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF NOT EXISTS (
        SELECT 1 FROM public.appointments AS a
        WHERE a.org_id = p_org_id
          AND a.staff_id = p_staff_id
          AND a.status <> 'cancelled'
          AND tstzrange(a.start_time, a.end_time, '[)') && tstzrange(p_start_time, p_end_time, '[)')
          AND a.id IS DISTINCT FROM p_exclude_appointment_id
    ) THEN
        RETURN NULL;
    END IF;
    RETURN (
        SELECT jsonb_agg(
                   jsonb_build_object('appointment_id', a.id, 'start_time', a.start_time,
                                      'end_time', a.end_time, 'status', a.status)
                   ORDER BY a.start_time)
        FROM public.appointments AS a
        WHERE a.org_id = p_org_id
          AND a.staff_id = p_staff_id
          AND a.status <> 'cancelled'
          AND tstzrange(a.start_time, a.end_time, '[)') && tstzrange(p_start_time, p_end_time, '[)')
          AND a.id IS DISTINCT FROM p_exclude_appointment_id);
END
$$;

-- The slot_conflict outcome. When the conflict surfaced as the exclusion constraint's
-- violation (the caller's REPEATABLE READ or SERIALIZABLE snapshot predates the lock and
-- cannot see the other row), the conflicting range is read from the error's detail.
CREATE OR REPLACE FUNCTION app_private.slot_conflict_outcome(
    p_staff_id uuid, p_start_time timestamptz, p_end_time timestamptz,
    p_conflicts jsonb, p_constraint_detail text DEFAULT NULL
)
RETURNS jsonb
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
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

-- Books a slot, or returns {"success": false, "error_code": "slot_conflict", "conflicts": [...]}.
-- A row lock on the staff member (FOR NO KEY UPDATE, until the transaction ends) serialises
-- the bookings of one calendar, so a conflict is found by the check and reported cleanly; the
-- exclusion constraint stays the last line of defence, and its violation (possible when the
-- caller's REPEATABLE READ / SERIALIZABLE snapshot predates the lock) is the same outcome.
-- A row lock, not an advisory lock: any session may take any advisory key (and keep another
-- org's bookings waiting), while locking this row needs UPDATE on staff_members, which only the
-- owner and service_role have. It does not block the foreign-key checks (KEY SHARE) of writes
-- referencing the staff member.
-- Raises: 22004 NULL argument, 22023 bad window or metadata, 22001 notes or metadata too long,
-- 42501 another org, 23503 unknown org / staff / customer / service. Nothing is written on any.
CREATE OR REPLACE FUNCTION public.book_appointment_with_lock(
    p_org_id uuid,
    p_staff_id uuid,
    p_customer_id uuid,
    p_start_time timestamptz,
    p_end_time timestamptz,
    p_service_id uuid DEFAULT NULL,
    p_notes text DEFAULT NULL,
    p_metadata jsonb DEFAULT '{}'
)
RETURNS jsonb
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_metadata jsonb := coalesce(p_metadata, '{}'::jsonb);
    v_actor text := app_private.request_actor();
    v_conflicts jsonb;
    v_detail text;
    v_id uuid;
BEGIN
    -- The NULL tests first: naming the missing arguments (a jsonb built and read) cost 60 us of
    -- every booking when nothing was missing (bench/booking.yaml, 0.15 of the ratio).
    IF p_org_id IS NULL OR p_staff_id IS NULL OR p_customer_id IS NULL OR p_start_time IS NULL
       OR p_end_time IS NULL THEN
        PERFORM app_private.require_arguments(jsonb_build_object(
            'p_org_id', p_org_id, 'p_staff_id', p_staff_id, 'p_customer_id', p_customer_id,
            'p_start_time', p_start_time, 'p_end_time', p_end_time));
    END IF;
    -- The window, the references and the conflict search are tested here, and their helpers
    -- called only when a test fails (to raise the error that names what is wrong, or build the
    -- conflict list): a helper call per check cost 30 us of every booking, 0.16 of its ratio to
    -- a bare INSERT (bench/booking.yaml). The helpers stay the single source of the errors.
    IF p_end_time <= p_start_time
       OR extract(epoch FROM p_end_time) - extract(epoch FROM p_start_time)
          > (SELECT extract(epoch FROM s.max_booking_duration) FROM app_private.booking_settings AS s) THEN
        PERFORM app_private.validate_booking_window(p_start_time, p_end_time);
    END IF;
    IF jsonb_typeof(v_metadata) <> 'object' THEN
        RAISE EXCEPTION 'argument p_metadata must be a JSON object, got %', jsonb_typeof(v_metadata)
            USING ERRCODE = '22023';
    END IF;
    IF char_length(p_notes) > 2000 THEN
        PERFORM app_private.require_length('p_notes', p_notes, 2000);
    END IF;
    IF octet_length(v_metadata::text) > 16384 THEN
        RAISE EXCEPTION 'argument p_metadata is % bytes as text; at most 16384 are kept', octet_length(v_metadata::text)
            USING ERRCODE = '22001';
    END IF;
    PERFORM app_private.authorize_org(p_org_id);
    -- the calendar's lock, taken on the staff member's row, which must exist and be active
    PERFORM 1 FROM public.staff_members AS s
    WHERE s.org_id = p_org_id AND s.id = p_staff_id AND s.active
    FOR NO KEY UPDATE;
    IF NOT FOUND
       OR NOT EXISTS (SELECT 1 FROM public.customers AS c WHERE c.org_id = p_org_id AND c.id = p_customer_id)
       OR (p_service_id IS NOT NULL AND NOT EXISTS (
               SELECT 1 FROM public.services AS v WHERE v.org_id = p_org_id AND v.id = p_service_id AND v.active)) THEN
        PERFORM app_private.require_booking_references(p_org_id, p_staff_id, p_customer_id, p_service_id);
    END IF;

    IF EXISTS (
        SELECT 1 FROM public.appointments AS a
        WHERE a.org_id = p_org_id
          AND a.staff_id = p_staff_id
          AND a.status <> 'cancelled'
          AND tstzrange(a.start_time, a.end_time, '[)') && tstzrange(p_start_time, p_end_time, '[)')
    ) THEN
        v_conflicts := app_private.find_conflicts(p_org_id, p_staff_id, p_start_time, p_end_time, NULL);
        RETURN app_private.slot_conflict_outcome(p_staff_id, p_start_time, p_end_time, v_conflicts);
    END IF;

    BEGIN
        INSERT INTO public.appointments
            (org_id, staff_id, customer_id, service_id, start_time, end_time, notes, metadata, created_by)
        VALUES
            (p_org_id, p_staff_id, p_customer_id, p_service_id, p_start_time, p_end_time, p_notes,
             v_metadata, v_actor)
        RETURNING id INTO v_id;
    EXCEPTION WHEN exclusion_violation THEN
        GET STACKED DIAGNOSTICS v_detail = PG_EXCEPTION_DETAIL;
        RETURN app_private.slot_conflict_outcome(p_staff_id, p_start_time, p_end_time, NULL, v_detail);
    END;

    INSERT INTO public.appointment_audit_log (org_id, appointment_id, action, actor, new_values)
    VALUES (p_org_id, v_id, 'booked', v_actor,
            jsonb_build_object('staff_id', p_staff_id, 'customer_id', p_customer_id,
                               'service_id', p_service_id, 'start_time', p_start_time,
                               'end_time', p_end_time, 'status', 'booked'));

    RETURN jsonb_build_object(
        'success', true,
        'appointment_id', v_id,
        'start_time', p_start_time,
        'end_time', p_end_time,
        'status', 'booked');
END
$$;

-- true when the staff member has no active appointment overlapping [start, end).
-- p_exclude_appointment_id ignores one appointment (the one being rescheduled).
-- Raises like book_appointment_with_lock (22004, 22023, 42501, 23503).
CREATE OR REPLACE FUNCTION public.check_slot_availability(
    p_org_id uuid,
    p_staff_id uuid,
    p_start_time timestamptz,
    p_end_time timestamptz,
    p_exclude_appointment_id uuid DEFAULT NULL
)
RETURNS boolean
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM app_private.require_arguments(jsonb_build_object(
        'p_org_id', p_org_id, 'p_staff_id', p_staff_id, 'p_start_time', p_start_time, 'p_end_time', p_end_time));
    PERFORM app_private.validate_booking_window(p_start_time, p_end_time);
    PERFORM app_private.authorize_org(p_org_id);
    PERFORM app_private.require_booking_references(p_org_id, p_staff_id, NULL, NULL);
    RETURN app_private.find_conflicts(p_org_id, p_staff_id, p_start_time, p_end_time, p_exclude_appointment_id) IS NULL;
END
$$;

REVOKE ALL ON FUNCTION app_private.validate_booking_window(timestamptz, timestamptz) FROM PUBLIC;
REVOKE ALL ON FUNCTION app_private.require_booking_references(uuid, uuid, uuid, uuid) FROM PUBLIC;
REVOKE ALL ON FUNCTION app_private.require_length(text, text, integer) FROM PUBLIC;
REVOKE ALL ON FUNCTION app_private.find_conflicts(uuid, uuid, timestamptz, timestamptz, uuid) FROM PUBLIC;
REVOKE ALL ON FUNCTION app_private.slot_conflict_outcome(uuid, timestamptz, timestamptz, jsonb, text) FROM PUBLIC;
REVOKE ALL ON FUNCTION public.book_appointment_with_lock(uuid, uuid, uuid, timestamptz, timestamptz, uuid, text, jsonb)
    FROM PUBLIC;
REVOKE ALL ON FUNCTION public.check_slot_availability(uuid, uuid, timestamptz, timestamptz, uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION
    public.book_appointment_with_lock(uuid, uuid, uuid, timestamptz, timestamptz, uuid, text, jsonb)
    TO authenticated, service_role;
GRANT EXECUTE ON FUNCTION public.check_slot_availability(uuid, uuid, timestamptz, timestamptz, uuid)
    TO authenticated, service_role;
