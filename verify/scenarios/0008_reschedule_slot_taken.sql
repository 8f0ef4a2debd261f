-- title: Rescheduling onto a taken slot is a slot_conflict and keeps the old slot
DO $$
DECLARE
    t jsonb := pg_temp.scenario_tenant('reschedule taken');
    moving jsonb := pg_temp.scenario_book(t, '2099-01-05 10:00+00', '2099-01-05 11:00+00');
    other jsonb := pg_temp.scenario_book(t, '2099-01-05 14:00+00', '2099-01-05 15:00+00');
    r jsonb := public.reschedule_appointment((t->>'org')::uuid, (moving->>'appointment_id')::uuid,
                                             '2099-01-05 14:30+00', '2099-01-05 15:30+00');
BEGIN
    ASSERT r->>'error_code' = 'slot_conflict', format('have %s, want slot_conflict', r);
    ASSERT r->'conflicts'->0->>'appointment_id' = other->>'appointment_id', 'the conflict does not name the other appointment';
    ASSERT (SELECT start_time = '2099-01-05 10:00+00' FROM public.appointments WHERE id = (moving->>'appointment_id')::uuid),
        'the old slot was given up';
END
$$;
