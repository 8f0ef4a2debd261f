-- title: The lock key is the same for one staff member's calendar, whatever the time
DO $$
DECLARE
    t jsonb := pg_temp.scenario_tenant('lock key');
    a jsonb := pg_temp.scenario_book(t, '2099-01-05 09:00+00', '2099-01-05 09:30+00');
    b jsonb := pg_temp.scenario_book(t, '2099-01-06 15:00+00', '2099-01-06 16:00+00');
    other jsonb := public.book_appointment_with_lock((t->>'org')::uuid, (t->>'staff2')::uuid, (t->>'customer')::uuid,
                                                     '2099-01-05 09:00+00', '2099-01-05 09:30+00');
BEGIN
    ASSERT a->>'lock_key' = b->>'lock_key', format('have %s and %s, want one key', a->>'lock_key', b->>'lock_key');
    ASSERT (other->>'success')::boolean, format('have %s, want a booking for the second staff member', other);
    ASSERT other->>'lock_key' <> a->>'lock_key', format('two staff members share the lock key %s', a->>'lock_key');
END
$$;
