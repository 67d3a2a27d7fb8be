"""Each client's working time, read once per list refresh for the reply clock."""

from __future__ import annotations

import sqlite3

from smmdesk.core.response_clock import WorkingTime


class ClientClocks:
    """``client_id -> WorkingTime`` from the GUI's read connection, cached."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db
        self._hours: dict[int, WorkingTime] = {}

    def forget(self) -> None:
        self._hours.clear()

    def hours(self, client_id: int) -> WorkingTime:
        found = self._hours.get(client_id)
        if found is None:
            row = self.db.execute(
                "SELECT timezone, work_start_minute, work_end_minute, work_days, country "
                "FROM clients WHERE id = ?",
                (client_id,),
            ).fetchone()
            zone, start, end, days, country = row or ("UTC", 9 * 60, 18 * 60, "", "")
            found = WorkingTime.from_columns(zone, start, end, days, country)
            self._hours[client_id] = found
        return found
