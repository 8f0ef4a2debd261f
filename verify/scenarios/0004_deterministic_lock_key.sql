-- title: The lock key is the same for one staff member's calendar, whatever the time
DO $$
DECLARE
    t jsonb := pg_temp.scenario_tenant('lock key');
    a jsonb := pg_temp.scenario_book(t, '2099-01-05 09:00+00', '2099-01-05 09:30+00');
    b jsonb := pg_temp.scenario_book(t, '2099-01-06 15:00+00', '2099-01-06 16:00+00');
BEGIN
    ASSERT a->>'lock_key' = b->>'lock_key', format('have %s and %s, want one key', a->>'lock_key', b->>'lock_key');
    ASSERT (a->>'lock_key')::bigint = public.booking_lock_key((t->>'org')::uuid, (t->>'staff')::uuid),
        'the returned key is not booking_lock_key(org, staff)';
    ASSERT public.booking_lock_key((t->>'org')::uuid, (t->>'staff')::uuid)
           <> public.booking_lock_key((t->>'org')::uuid, (t->>'staff2')::uuid),
        'two staff members share a lock key';
END
$$;
