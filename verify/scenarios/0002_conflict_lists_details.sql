-- title: An overlapping booking is a slot_conflict naming the appointment it overlaps
DO $$
DECLARE
    t jsonb := pg_temp.scenario_tenant('conflict');
    first jsonb := pg_temp.scenario_book(t, '2099-01-05 10:00+00', '2099-01-05 11:00+00');
    r jsonb := pg_temp.scenario_book(t, '2099-01-05 10:30+00', '2099-01-05 11:30+00');
BEGIN
    ASSERT NOT (r->>'success')::boolean, format('have %s, want a conflict', r);
    ASSERT r->>'error_code' = 'slot_conflict', format('have error_code %s, want slot_conflict', r->>'error_code');
    ASSERT r->'conflicts'->0->>'appointment_id' = first->>'appointment_id',
        format('have conflicts %s, want %s', r->'conflicts', first->>'appointment_id');
    ASSERT (SELECT count(*) FROM public.appointments WHERE org_id = (t->>'org')::uuid) = 1,
        'the conflicting booking was written';
END
$$;
