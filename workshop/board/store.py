"""The board's SQLite file: one row per checker verdict, summed up per learner and exercise."""

import sqlite3
import threading
import time

SCHEMA = """
CREATE TABLE IF NOT EXISTS verdicts (
    learner  TEXT    NOT NULL,
    chapter  INTEGER NOT NULL,
    exercise TEXT    NOT NULL,
    passed   INTEGER NOT NULL,
    at       REAL    NOT NULL
);
CREATE INDEX IF NOT EXISTS by_learner ON verdicts (learner, exercise);
"""


class Store:
    """Verdicts in one SQLite file (thread-safe: one connection behind a lock)."""

    def __init__(self, path):
        """Open (or create) the file at path (":memory:" for tests)."""
        self.db = sqlite3.connect(str(path), check_same_thread=False)
        self.db.executescript(SCHEMA)
        self.lock = threading.Lock()

    def record(self, learner, chapter, exercise, passed, at=None):
        """Store one verdict; attempts are counted from the rows."""
        with self.lock, self.db:
            self.db.execute(
                "INSERT INTO verdicts VALUES (?, ?, ?, ?, ?)",
                (learner, int(chapter), exercise, int(bool(passed)), at or time.time()),
            )

    def rows(self, learner=None):
        """{learner: {exercise: {"chapter", "attempts", "passed", "last"}}}, for one learner or all."""
        query = (
            "SELECT learner, exercise, MIN(chapter), COUNT(*), MAX(passed), MAX(at) FROM verdicts"
            + (" WHERE learner = ?" if learner else "")
            + " GROUP BY learner, exercise"
        )
        with self.lock:
            found = self.db.execute(query, (learner,) if learner else ()).fetchall()
        table = {}
        for name, exercise, chapter, attempts, passed, last in found:
            table.setdefault(name, {})[exercise] = {
                "chapter": chapter,
                "attempts": attempts,
                "passed": bool(passed),
                "last": last,
            }
        return table

    def exercises(self):
        """Every exercise seen so far, in chapter order: [(chapter, exercise)]."""
        with self.lock:
            return self.db.execute(
                "SELECT DISTINCT chapter, exercise FROM verdicts ORDER BY chapter, exercise"
            ).fetchall()
