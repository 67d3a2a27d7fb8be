"""Exchanging the plan with the outside world: calendar export, CSV import, review packs.

* ``ExportCalendarDialog``: the schedule of a client (or all) as an .ics file;
* ``ImportCsvDialog``: planned posts from a CSV file, previewed row by row and
  imported all or nothing (``imported`` carries the new post ids);
* ``ReviewPackDialog``: the PDF the client reviews;
* ``RecordDecisionsDialog``: the client's decisions typed back, with history.

The files themselves are built in ``smmdesk.reports``.
"""

from smmdesk.ui.exchange.decisions_dialog import RecordDecisionsDialog
from smmdesk.ui.exchange.dialogs import ExportCalendarDialog, ReviewPackDialog
from smmdesk.ui.exchange.import_dialog import ImportCsvDialog

__all__ = [
    "ExportCalendarDialog",
    "ImportCsvDialog",
    "RecordDecisionsDialog",
    "ReviewPackDialog",
]
