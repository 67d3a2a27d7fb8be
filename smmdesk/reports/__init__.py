"""Exports for clients: PDF reports, CSV and iCalendar files.

This layer turns store data into files and knows no widgets (QPdfWriter is
allowed). Planning exports and client reports are built here by the
planning and analytics work; nothing in the foundation writes files yet.
"""
