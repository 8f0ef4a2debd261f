-- title: A booking locks its staff member's row (the calendar's lock), and no other staff member's
DO $$
DECLARE
    t jsonb := pg_temp.scenario_tenant('calendar lock');
    booked jsonb := pg_temp.scenario_book(t, '2099-01-05 09:00+00', '2099-01-05 09:30+00');
    locker xid;
    other xid;
BEGIN
    ASSERT (booked->>'success')::boolean, format('have %s, want a booking', booked);
    -- a row this transaction locked carries its id in xmax (a lock only: no new row version)
    SELECT xmax INTO locker FROM public.staff_members WHERE id = (t->>'staff')::uuid;
    SELECT xmax INTO other FROM public.staff_members WHERE id = (t->>'staff2')::uuid;
    ASSERT locker = pg_current_xact_id()::xid,
        format('have xmax %s on the staff row, want this transaction''s %s', locker, pg_current_xact_id());
    ASSERT other IS DISTINCT FROM pg_current_xact_id()::xid, 'the other staff member''s row is locked too';
    ASSERT NOT (booked ? 'lock_key'), format('have %s, want no advisory lock key', booked);
END
$$;
