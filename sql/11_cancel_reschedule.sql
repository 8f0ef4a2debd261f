-- Cancellation (a soft delete) and rescheduling, each with its audit row.

-- The not_found outcome of cancel and reschedule.
CREATE OR REPLACE FUNCTION app_private.appointment_not_found(p_org_id uuid, p_appointment_id uuid)
RETURNS jsonb
LANGUAGE sql IMMUTABLE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT jsonb_build_object('success', false, 'error_code', 'not_found',
        'message', format('appointment %s not found in org %s', p_appointment_id, p_org_id))
$$;

-- Outcomes: success; not_found; already_cancelled; not_cancellable (completed, no_show).
-- Raises: 22004 NULL argument, 22001 a reason over 1000 characters, 42501 another org.
CREATE OR REPLACE FUNCTION public.cancel_appointment(
    p_org_id uuid,
    p_appointment_id uuid,
    p_reason text DEFAULT NULL
)
RETURNS jsonb
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_row public.appointments%ROWTYPE;
    v_actor text := app_private.request_actor();
BEGIN
    PERFORM app_private.require_arguments(jsonb_build_object(
        'p_org_id', p_org_id, 'p_appointment_id', p_appointment_id));
    PERFORM app_private.require_length('p_reason', p_reason, 1000);
    PERFORM app_private.authorize_org(p_org_id);

    SELECT * INTO v_row FROM public.appointments
    WHERE org_id = p_org_id AND id = p_appointment_id
    FOR UPDATE;
    IF NOT FOUND THEN
        RETURN app_private.appointment_not_found(p_org_id, p_appointment_id);
    END IF;
    IF v_row.status = 'cancelled' THEN
        RETURN jsonb_build_object('success', false, 'error_code', 'already_cancelled',
            'message', format('appointment %s was already cancelled at %s', p_appointment_id, v_row.cancelled_at),
            'cancelled_at', v_row.cancelled_at);
    END IF;
    IF v_row.status <> 'booked' THEN
        RETURN jsonb_build_object('success', false, 'error_code', 'not_cancellable',
            'message', format('appointment %s is %s and cannot be cancelled', p_appointment_id, v_row.status),
            'status', v_row.status);
    END IF;

    -- the row is locked (FOR UPDATE above): this matches it, or the schema changed under us
    UPDATE public.appointments
    SET status = 'cancelled', cancelled_at = now(), cancelled_by = v_actor,
        cancellation_reason = p_reason, updated_at = now()
    WHERE org_id = p_org_id AND id = p_appointment_id AND status = 'booked';
    IF NOT FOUND THEN
        RETURN app_private.appointment_not_found(p_org_id, p_appointment_id);
    END IF;

    INSERT INTO public.appointment_audit_log (org_id, appointment_id, action, actor, old_values, new_values, reason)
    VALUES (p_org_id, p_appointment_id, 'cancelled', v_actor,
            jsonb_build_object('status', v_row.status),
            jsonb_build_object('status', 'cancelled', 'cancelled_at', now()),
            p_reason);

    RETURN jsonb_build_object('success', true, 'appointment_id', p_appointment_id,
                              'status', 'cancelled', 'cancelled_at', now());
END
$$;

-- Moves a booked appointment to a new window, atomically: the old slot is given up only
-- if the new one is taken. Same lock as booking (one staff member's calendar).
-- Outcomes: success; not_found (also when it was deleted while this call waited for the
-- lock); not_reschedulable (cancelled, completed, no_show); slot_conflict (with the
-- conflicting appointments).
-- Raises: 22004 NULL argument, 22023 bad window, 22001 a reason over 1000 characters, 42501
-- another org, 23503 the appointment's staff member is inactive (as check_slot_availability
-- refuses one).
CREATE OR REPLACE FUNCTION public.reschedule_appointment(
    p_org_id uuid,
    p_appointment_id uuid,
    p_new_start_time timestamptz,
    p_new_end_time timestamptz,
    p_reason text DEFAULT NULL
)
RETURNS jsonb
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_staff_id uuid;
    v_row public.appointments%ROWTYPE;
    v_conflicts jsonb;
    v_detail text;
BEGIN
    PERFORM app_private.require_arguments(jsonb_build_object(
        'p_org_id', p_org_id, 'p_appointment_id', p_appointment_id,
        'p_new_start_time', p_new_start_time, 'p_new_end_time', p_new_end_time));
    PERFORM app_private.validate_booking_window(p_new_start_time, p_new_end_time);
    PERFORM app_private.require_length('p_reason', p_reason, 1000);
    PERFORM app_private.authorize_org(p_org_id);

    SELECT staff_id INTO v_staff_id FROM public.appointments
    WHERE org_id = p_org_id AND id = p_appointment_id;
    IF NOT FOUND THEN
        RETURN app_private.appointment_not_found(p_org_id, p_appointment_id);
    END IF;

    -- Lock the staff member's calendar (the row lock booking takes), then re-read under it:
    -- meanwhile the appointment may have been cancelled, moved, deleted, or given to another
    -- staff member (whose calendar is then locked too).
    LOOP
        PERFORM 1 FROM public.staff_members WHERE org_id = p_org_id AND id = v_staff_id FOR NO KEY UPDATE;
        SELECT * INTO v_row FROM public.appointments
        WHERE org_id = p_org_id AND id = p_appointment_id
        FOR UPDATE;
        IF NOT FOUND THEN
            RETURN app_private.appointment_not_found(p_org_id, p_appointment_id);
        END IF;
        EXIT WHEN v_row.staff_id = v_staff_id;
        v_staff_id := v_row.staff_id;
    END LOOP;

    IF v_row.status <> 'booked' THEN
        RETURN jsonb_build_object('success', false, 'error_code', 'not_reschedulable',
            'message', format('appointment %s is %s and cannot be rescheduled', p_appointment_id, v_row.status),
            'status', v_row.status);
    END IF;
    PERFORM app_private.require_booking_references(p_org_id, v_staff_id, NULL, NULL);

    v_conflicts := app_private.find_conflicts(p_org_id, v_staff_id, p_new_start_time, p_new_end_time, p_appointment_id);
    IF v_conflicts IS NOT NULL THEN
        RETURN app_private.slot_conflict_outcome(v_staff_id, p_new_start_time, p_new_end_time, v_conflicts)
               || jsonb_build_object('appointment_id', p_appointment_id);
    END IF;

    BEGIN
        UPDATE public.appointments
        SET start_time = p_new_start_time, end_time = p_new_end_time, updated_at = now()
        WHERE org_id = p_org_id AND id = p_appointment_id AND status = 'booked';
    EXCEPTION WHEN exclusion_violation THEN
        GET STACKED DIAGNOSTICS v_detail = PG_EXCEPTION_DETAIL;
        RETURN app_private.slot_conflict_outcome(v_staff_id, p_new_start_time, p_new_end_time, NULL, v_detail)
               || jsonb_build_object('appointment_id', p_appointment_id);
    END;
    IF NOT FOUND THEN  -- locked above, so only a schema change could get here: never a raw 23503
        RETURN app_private.appointment_not_found(p_org_id, p_appointment_id);
    END IF;

    INSERT INTO public.appointment_audit_log (org_id, appointment_id, action, actor, old_values, new_values, reason)
    VALUES (p_org_id, p_appointment_id, 'rescheduled', app_private.request_actor(),
            jsonb_build_object('start_time', v_row.start_time, 'end_time', v_row.end_time),
            jsonb_build_object('start_time', p_new_start_time, 'end_time', p_new_end_time),
            p_reason);

    RETURN jsonb_build_object('success', true, 'appointment_id', p_appointment_id,
                              'start_time', p_new_start_time, 'end_time', p_new_end_time,
                              'previous_start_time', v_row.start_time, 'previous_end_time', v_row.end_time);
END
$$;

REVOKE ALL ON FUNCTION app_private.appointment_not_found(uuid, uuid) FROM PUBLIC;
REVOKE ALL ON FUNCTION public.cancel_appointment(uuid, uuid, text) FROM PUBLIC;
REVOKE ALL ON FUNCTION public.reschedule_appointment(uuid, uuid, timestamptz, timestamptz, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION public.cancel_appointment(uuid, uuid, text) TO authenticated, service_role;
GRANT EXECUTE ON FUNCTION public.reschedule_appointment(uuid, uuid, timestamptz, timestamptz, text)
    TO authenticated, service_role;
