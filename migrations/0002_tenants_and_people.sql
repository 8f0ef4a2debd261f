-- Tenants and the people and services they book.
-- Every tenant table keys on (org_id, id): references between tenant tables then carry the
-- org and cannot cross tenants, and the tables can be distributed by org on Citus.
CREATE TABLE public.organizations (
    id          uuid        NOT NULL DEFAULT gen_random_uuid(),
    name        text        NOT NULL CHECK (btrim(name) <> ''),
    created_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT organizations_pkey PRIMARY KEY (id)
);

ALTER TABLE public.organizations ENABLE ROW LEVEL SECURITY;

ALTER TABLE public.organizations FORCE ROW LEVEL SECURITY;

CREATE TABLE public.staff_members (
    id          uuid        NOT NULL DEFAULT gen_random_uuid(),
    org_id      uuid        NOT NULL REFERENCES public.organizations (id) ON DELETE CASCADE,
    name        text        NOT NULL CHECK (btrim(name) <> ''),
    email       text,
    active      boolean     NOT NULL DEFAULT true,
    created_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT staff_members_pkey PRIMARY KEY (org_id, id)
);

ALTER TABLE public.staff_members ENABLE ROW LEVEL SECURITY;

ALTER TABLE public.staff_members FORCE ROW LEVEL SECURITY;

CREATE TABLE public.customers (
    id          uuid        NOT NULL DEFAULT gen_random_uuid(),
    org_id      uuid        NOT NULL REFERENCES public.organizations (id) ON DELETE CASCADE,
    name        text        NOT NULL CHECK (btrim(name) <> ''),
    email       text,
    phone       text,
    created_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT customers_pkey PRIMARY KEY (org_id, id)
);

ALTER TABLE public.customers ENABLE ROW LEVEL SECURITY;

ALTER TABLE public.customers FORCE ROW LEVEL SECURITY;

CREATE TABLE public.services (
    id                uuid        NOT NULL DEFAULT gen_random_uuid(),
    org_id            uuid        NOT NULL REFERENCES public.organizations (id) ON DELETE CASCADE,
    name              text        NOT NULL CHECK (btrim(name) <> ''),
    duration_minutes  integer     NOT NULL CHECK (duration_minutes > 0),
    active            boolean     NOT NULL DEFAULT true,
    created_at        timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT services_pkey PRIMARY KEY (org_id, id)
);

ALTER TABLE public.services ENABLE ROW LEVEL SECURITY;

ALTER TABLE public.services FORCE ROW LEVEL SECURITY;
