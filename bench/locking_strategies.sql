-- Four ways to keep one staff member's bookings from overlapping, each as the same minimal
-- booking (an overlap check, then an INSERT; no validation, no audit row), so that only the
-- concurrency control differs. Functions of the benchmark's scratch database only. Each returns
-- true when it booked, false on a conflict.

CREATE FUNCTION public.bench_overlaps(p_org uuid, p_staff uuid, p_start timestamptz, p_end timestamptz)
RETURNS boolean LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT EXISTS (SELECT 1 FROM public.appointments AS a
                   WHERE a.org_id = p_org AND a.staff_id = p_staff AND a.status <> 'cancelled'
                     AND tstzrange(a.start_time, a.end_time, '[)') && tstzrange(p_start, p_end, '[)'))
$$;

CREATE FUNCTION public.bench_insert(p_org uuid, p_staff uuid, p_customer uuid, p_start timestamptz, p_end timestamptz)
RETURNS void LANGUAGE sql SET search_path = pg_catalog, pg_temp AS $$
    INSERT INTO public.appointments (org_id, staff_id, customer_id, start_time, end_time, metadata, created_by)
    VALUES (p_org, p_staff, p_customer, p_start, p_end, '{}', 'bench')
$$;

-- the booking proper, once the strategy holds whatever it holds: false when the slot is taken
CREATE FUNCTION public.bench_check_and_insert(p_org uuid, p_staff uuid, p_customer uuid, p_start timestamptz,
                                              p_end timestamptz)
RETURNS boolean LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF public.bench_overlaps(p_org, p_staff, p_start, p_end) THEN
        RETURN false;
    END IF;
    PERFORM public.bench_insert(p_org, p_staff, p_customer, p_start, p_end);
    RETURN true;
END
$$;

-- 1. the exclusion constraint alone: insert, and a violation is the conflict
CREATE FUNCTION public.bench_book_exclusion_only(p_org uuid, p_staff uuid, p_customer uuid, p_start timestamptz,
                                                 p_end timestamptz)
RETURNS boolean LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    PERFORM public.bench_insert(p_org, p_staff, p_customer, p_start, p_end);
    RETURN true;
EXCEPTION WHEN exclusion_violation THEN
    RETURN false;
END
$$;

-- 2. what book_appointment_with_lock does: an advisory lock per (org, staff), then check and insert
CREATE FUNCTION public.bench_book_advisory(p_org uuid, p_staff uuid, p_customer uuid, p_start timestamptz,
                                           p_end timestamptz)
RETURNS boolean LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(hashtextextended(p_org::text || '/' || p_staff::text, 0));
    RETURN public.bench_check_and_insert(p_org, p_staff, p_customer, p_start, p_end);
END
$$;

-- 3. the staff member's row locked FOR UPDATE, then check and insert
CREATE FUNCTION public.bench_book_row_lock(p_org uuid, p_staff uuid, p_customer uuid, p_start timestamptz,
                                           p_end timestamptz)
RETURNS boolean LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    PERFORM 1 FROM public.staff_members WHERE org_id = p_org AND id = p_staff FOR UPDATE;
    RETURN public.bench_check_and_insert(p_org, p_staff, p_customer, p_start, p_end);
END
$$;

-- 4. no lock: check and insert, called in a SERIALIZABLE transaction that pgbench retries on
-- 40001; two that both saw a free slot can still meet at the exclusion constraint (SSI turns a
-- unique violation into 40001, not an exclusion violation), which is then the conflict
CREATE FUNCTION public.bench_book_unlocked(p_org uuid, p_staff uuid, p_customer uuid, p_start timestamptz,
                                           p_end timestamptz)
RETURNS boolean LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    RETURN public.bench_check_and_insert(p_org, p_staff, p_customer, p_start, p_end);
EXCEPTION WHEN exclusion_violation THEN
    RETURN false;
END
$$;
