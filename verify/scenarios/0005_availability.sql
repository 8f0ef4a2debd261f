-- title: Availability is true for a free slot and false for a taken one
DO $$
DECLARE
    t jsonb := pg_temp.scenario_tenant('availability');
BEGIN
    ASSERT public.check_slot_availability((t->>'org')::uuid, (t->>'staff')::uuid,
                                          '2099-01-05 10:00+00', '2099-01-05 11:00+00'),
        'an empty calendar is not available';
    PERFORM pg_temp.scenario_book(t, '2099-01-05 10:15+00', '2099-01-05 10:45+00');
    ASSERT NOT public.check_slot_availability((t->>'org')::uuid, (t->>'staff')::uuid,
                                              '2099-01-05 10:00+00', '2099-01-05 11:00+00'),
        'a taken slot is reported available';
    ASSERT public.check_slot_availability((t->>'org')::uuid, (t->>'staff')::uuid,
                                          '2099-01-05 10:45+00', '2099-01-05 11:00+00'),
        'the slot right after an appointment is reported taken';
END
$$;
