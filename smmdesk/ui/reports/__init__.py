"""Reports for the client: the PDF report dialog (``ClientReportDialog``).

The files themselves are built in ``smmdesk.reports``; the job that builds
them in the background is ``smmdesk.sync.report_job``.
"""

from smmdesk.ui.reports.client_report_dialog import ClientReportDialog

__all__ = ["ClientReportDialog"]
