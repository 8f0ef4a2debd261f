"""Tables, ordinary and partitioned: owner, privileges, row-level security flags, and how they are
partitioned (the partition key of a partitioned table; the parent and bounds of a partition) or
inherit; its storage and replication properties as pg_dump prints them (UNLOGGED, REPLICA
IDENTITY, storage parameters, tablespace, CLUSTER ON, access method, OF type) and its comment,
each absent when it is PostgreSQL's default. Their columns, constraints, indexes, policies and triggers are kinds of their own,
declared inside each table."""

from . import BOOL, GRANTS, OPTIONAL_STR, STR, STRS, Kind, compact, grants, mapping

# what pg_dump prints of a table besides its columns and partitioning; absent: PostgreSQL's default
PROPERTIES = {"persistence": STR, "replica_identity": STR, "options": STRS, "tablespace": STR,
              "clustered_on": STR, "access_method": STR, "of_type": STR}

KIND = Kind(
    name="tables", level="schemas", order=40, declared_only=True,
    # a table that became a partition (or stopped being one) is drift even where nothing was declared
    always=frozenset({"partition_key", "partition_of", "partition_bound", "inherits", *PROPERTIES}),
    attributes={"owner": STR, "grants": GRANTS, "rls": mapping({"enabled": BOOL, "forced": BOOL}),
                "partition_key": OPTIONAL_STR, "partition_of": OPTIONAL_STR, "partition_bound": OPTIONAL_STR,
                "inherits": STRS, **PROPERTIES},
    # one check per area: these attributes, and each kind declared inside (columns, indexes, ...)
    areas={"owner": "privileges", "grants": "privileges", "rls": "policies", "partition_key": "partitioning",
           "partition_of": "partitioning", "partition_bound": "partitioning", "inherits": "partitioning",
           **{p: "properties" for p in PROPERTIES}},
    absent={"persistence": "logged", "replica_identity": "default (the primary key)", "options": "none",
            "tablespace": "the database's default", "access_method": "heap"},
    build=lambda r: (r["schema"], None, r["name"], {
        "owner": r["owner"], "grants": grants(r["grants"]),
        "rls": {"enabled": r["rls_enabled"], "forced": r["rls_forced"]},
        **compact({"partition_key": r["partition_key"], "partition_of": r["partition_of"],
                   "partition_bound": r["partition_bound"], **{p: r[p] for p in PROPERTIES}}),
        **({"inherits": r["inherits"]} if r["inherits"] else {})}),
)
