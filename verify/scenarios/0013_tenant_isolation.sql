-- title: As authenticated with org A's claim, org B is invisible and cannot be booked
DO $$
DECLARE
    a jsonb := pg_temp.scenario_tenant('isolation a');
    b jsonb := pg_temp.scenario_tenant('isolation b');
    visible bigint;
BEGIN
    PERFORM pg_temp.scenario_book(a, '2099-01-05 10:00+00', '2099-01-05 11:00+00');
    PERFORM pg_temp.scenario_book(b, '2099-01-05 10:00+00', '2099-01-05 11:00+00');
    SET LOCAL ROLE authenticated;
    PERFORM set_config('request.jwt.claims', jsonb_build_object('org_id', a->>'org', 'sub', 'scenario')::text, true);
    SELECT count(*) INTO visible FROM public.appointments WHERE org_id = (b->>'org')::uuid;
    ASSERT visible = 0, format('have %s of org B''s appointments visible, want 0', visible);
    SELECT count(*) INTO visible FROM public.appointments WHERE org_id = (a->>'org')::uuid;
    ASSERT visible = 1, format('have %s of org A''s appointments visible, want 1', visible);
    BEGIN
        PERFORM public.book_appointment_with_lock((b->>'org')::uuid, (b->>'staff')::uuid, (b->>'customer')::uuid,
                                                  '2099-01-05 12:00+00', '2099-01-05 13:00+00');
        RAISE EXCEPTION 'have a booking in org B, want insufficient_privilege';
    EXCEPTION WHEN insufficient_privilege THEN
        NULL;
    END;
    RESET ROLE;
END
$$;
