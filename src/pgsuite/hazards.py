"""What a DDL or DML statement does to a live table, once, for everyone who needs to know: the
gate's rules (sql_lint/rules), the deployment impact (report/impact), the lock trace
(migrate/trace) and, later, a generated migration's comments.

Lock levels follow PostgreSQL's "Explicit Locking" table (13.3.1); a Hazard is the typed
answer to "what does it lock, what waits, does it read or rewrite every row, is data lost,
do callers break". Risk text is derived from those fields, never guessed from prose.
"""

from dataclasses import dataclass
from enum import Enum, IntEnum


class Lock(IntEnum):
    """Table lock modes, weakest first; the value is pglast's LockStmt.mode."""

    ACCESS_SHARE = 1
    ROW_SHARE = 2
    ROW_EXCLUSIVE = 3
    SHARE_UPDATE_EXCLUSIVE = 4
    SHARE = 5
    SHARE_ROW_EXCLUSIVE = 6
    EXCLUSIVE = 7
    ACCESS_EXCLUSIVE = 8

    @property
    def label(self) -> str:  # "ACCESS EXCLUSIVE": as PostgreSQL's documentation and LOCK TABLE spell it
        return self.name.replace("_", " ")

    @property
    def pg_locks_mode(self) -> str:  # "AccessExclusiveLock": as pg_locks.mode spells it
        return "".join(word.capitalize() for word in self.name.split("_")) + "Lock"

    @property
    def waits(self) -> str:
        """Who waits while it is held: SHARE and stronger stop writers, ACCESS EXCLUSIVE readers too."""
        if self is Lock.ACCESS_EXCLUSIVE:
            return "reads and writes"
        return "writes" if self >= Lock.SHARE else ""

    @classmethod
    def from_pg_locks(cls, mode: str) -> "Lock | None":
        return next((lock for lock in cls if lock.pg_locks_mode == mode), None)


class Work(Enum):
    """What the statement does to the whole table while it holds its lock."""

    NONE = "none"
    SCAN = "scan"  # reads every row (a validation)
    REWRITE = "rewrite"  # writes every row anew and rebuilds the indexes
    INDEX = "index"  # builds an index: reads every row (sized as a scan)
    EVERY_ROW = "every row"  # an UPDATE or DELETE without WHERE: locks and writes every row

    @property
    def sizing(self) -> str | None:
        """How sql_lint/sizes describes it ("scan" or "rewrite"), None when nothing is read whole."""
        return {Work.SCAN: "scan", Work.INDEX: "scan", Work.REWRITE: "rewrite", Work.EVERY_ROW: "rewrite"}.get(self)


@dataclass(frozen=True)
class Hazard:
    lock: Lock | None  # None: no lock on an existing table (or not a table statement)
    work: Work = Work.NONE
    data_loss: bool = False
    breaks_callers: bool = False
    lock_note: str = ""  # what the lock's name does not say: "blocks writes while it builds", "at most"
    note: str = ""  # what a DBA reads beside it (shown in the deployment impact)
    known: bool = True  # False: pgsuite does not analyse the statement (a DO block, an unknown command)

    @property
    def lock_text(self) -> str:
        if not self.known:
            return UNKNOWN
        if self.lock is None:
            return NO_TABLE_LOCK
        return f"{self.lock.label} ({self.lock_note})" if self.lock_note else self.lock.label

    def risk(self, dropped: bool = False) -> str:
        """Why it needs scheduling or review on an existing table; empty when it does not."""
        if not self.known:
            return NEEDS_REVIEW
        if dropped or self.data_loss:
            return "drops an object" + (" and its data" if self.data_loss else "")
        if self.work in (Work.SCAN, Work.REWRITE, Work.EVERY_ROW) or self.breaks_callers:
            return self.note
        if self.lock is not None and self.lock.waits:
            return f"holds {self.lock.label} on an existing table: {self.lock.waits} wait while it runs"
        return ""


NO_TABLE_LOCK = "none on existing tables"
UNKNOWN = "unknown"
NEW_TABLE_NOTE = "a table created in this deployment: no other session can be waiting on it"
NEEDS_REVIEW = "needs review: pgsuite does not analyse what it does"
NOT_ANALYSED = Hazard(None, known=False)  # also what a statement pgsuite cannot parse gets
NO_LOCK = Hazard(None)  # a catalog-only change: an extension, a schema, a function, a grant
AX = Lock.ACCESS_EXCLUSIVE

# ALTER TABLE subcommands (pglast's AlterTableType names)
ALTER_TABLE = {
    "AT_AddColumn": Hazard(AX, Work.REWRITE, note="rewrites the table if the default is volatile"),
    "AT_DropColumn": Hazard(AX, data_loss=True, breaks_callers=True, note="data loss: the column's values go with it"),
    "AT_AlterColumnType": Hazard(AX, Work.REWRITE, breaks_callers=True,
                                 note="rewrites the table unless the types are binary-compatible"),
    "AT_ColumnDefault": Hazard(AX),
    "AT_SetNotNull": Hazard(AX, Work.SCAN, note="scans the whole table"),
    "AT_DropNotNull": Hazard(AX),
    "AT_DropConstraint": Hazard(AX),
    "AT_ValidateConstraint": Hazard(Lock.SHARE_UPDATE_EXCLUSIVE, Work.SCAN, note="scans the whole table"),
    "AT_EnableRowSecurity": Hazard(AX),
    "AT_DisableRowSecurity": Hazard(AX),
    "AT_ForceRowSecurity": Hazard(AX),
    "AT_NoForceRowSecurity": Hazard(AX),
}
ALTER_TABLE_OTHER = Hazard(AX, lock_note="at most")  # a subcommand not listed: the strongest it can take

# ADD CONSTRAINT, by pglast's ConstrType name; NOT VALID skips the scan (NOT_VALID below)
CONSTRAINT = {
    "CONSTR_CHECK": Hazard(AX, Work.SCAN, note="scans the whole table (unless NOT VALID)"),
    "CONSTR_FOREIGN": Hazard(Lock.SHARE_ROW_EXCLUSIVE, Work.SCAN, lock_note="and on the referenced table",
                             note="scans the whole table (unless NOT VALID)"),
    "CONSTR_PRIMARY": Hazard(AX, Work.INDEX, note="builds an index"),
    "CONSTR_UNIQUE": Hazard(AX, Work.INDEX, note="builds an index"),
    "CONSTR_EXCLUSION": Hazard(AX, Work.INDEX, note="builds an index"),
}
CONSTRAINT_OTHER = Hazard(AX)
NOT_VALID_NOTE = "NOT VALID: no scan now (VALIDATE CONSTRAINT later)"

CREATE_INDEX = Hazard(Lock.SHARE, Work.INDEX, lock_note="blocks writes while it builds")
CREATE_INDEX_CONCURRENTLY = Hazard(Lock.SHARE_UPDATE_EXCLUSIVE)
DROP_INDEX_CONCURRENTLY = Hazard(Lock.SHARE_UPDATE_EXCLUSIVE)
DROP_RELATION = Hazard(AX)  # table, index, view, materialized view
DROP_TABLE = Hazard(AX, data_loss=True, breaks_callers=True, note="data loss: the rows go with it")
DROP_ROUTINE = Hazard(None, breaks_callers=True, note="breaks every caller that still uses it")
RENAME = Hazard(AX, breaks_callers=True, note="breaks every caller that uses the old name")
TRUNCATE = Hazard(AX, data_loss=True, note="data loss: every row goes")
POLICY = Hazard(AX)  # CREATE and DROP POLICY
TRIGGER = Hazard(Lock.SHARE_ROW_EXCLUSIVE)  # CREATE and DROP TRIGGER
INSERT = Hazard(Lock.ROW_EXCLUSIVE)
FOREIGN_KEY_REFERENCED = Lock.SHARE_ROW_EXCLUSIVE  # what a new table's foreign keys take on the tables they reference


def write_rows(every_row: bool, verb: str) -> Hazard:
    """UPDATE or DELETE: row locks on what it changes; without WHERE, that is every row."""
    note = f"{verb} every row (no WHERE)" if every_row else f"{verb} the rows its WHERE selects"
    return Hazard(Lock.ROW_EXCLUSIVE, Work.EVERY_ROW if every_row else Work.NONE,
                  lock_note="and row locks on every row it changes", note=note)


def explicit_lock(mode: int) -> Hazard:
    """LOCK TABLE ... IN mode MODE."""
    known = mode in Lock._value2member_map_
    return Hazard(Lock(mode) if known else None, note="held until the migration's transaction ends", known=known)
