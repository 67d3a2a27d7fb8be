"""Files for and from clients: iCalendar schedules, CSV imports, PDF review packs.

This layer turns store data into files (and planned posts back from CSV) and
knows no widgets; QPdfWriter is allowed for PDFs.
"""
