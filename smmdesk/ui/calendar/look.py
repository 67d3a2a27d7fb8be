"""The calendar's own style sheets, on top of the application's.

The header is part of the first paint, which comes before the application
style sheet (see ``smmdesk.ui.theme``): it carries ``HEADER_STYLE``, which
repeats the application's rules for its push buttons and titles. The parts
built after the first paint (the filter bar, the side panel, the week view)
each get ``PARTS_STYLE`` when they are built; a sheet on the whole tab would
reach every widget of the month grid's first paint and slow it down.
"""

from __future__ import annotations

from smmdesk.ui.theme import BUTTON_QSS, LABEL_QSS

HEADER_STYLE = (
    """
QToolButton#SegmentButton { padding: 5px 12px; border: 1px solid #c9cfda; background: #ffffff;
  color: #4a5262; }
QToolButton#SegmentButton[segment="first"] { border-top-left-radius: 6px;
  border-bottom-left-radius: 6px; }
QToolButton#SegmentButton[segment="middle"] { border-left: none; }
QToolButton#SegmentButton[segment="last"] { border-left: none; border-top-right-radius: 6px;
  border-bottom-right-radius: 6px; }
QToolButton#SegmentButton:checked { background: #3d6df2; border-color: #3d6df2; color: #ffffff;
  font-weight: 600; }
QToolButton#SegmentButton:hover:!checked { background: #f0f3f8; }
QToolButton#IconButton, QToolButton#PanelToggle { padding: 4px 9px; border: 1px solid #c9cfda;
  border-radius: 6px; background: #ffffff; }
QToolButton#IconButton { font-size: 12pt; padding: 1px 8px; }
QToolButton#IconButton:disabled { color: #c3c8d2; border-color: #e1e4ea; }
QToolButton#IconButton:hover:enabled, QToolButton#PanelToggle:hover { background: #f0f3f8; }
QToolButton#PanelToggle:checked { background: #eef3ff; border-color: #a9bdf5; color: #2f5ee0; }
"""
    + BUTTON_QSS
    + LABEL_QSS
)

PARTS_STYLE = """
#CalendarSidePanel { background: #f6f7f9; border: 1px solid #e1e5ec; border-radius: 8px; }
#CalendarSidePanel QLabel#PanelTitle { font-size: 11pt; font-weight: 600; color: #1f2430; }
#GapList { background: transparent; border: none; outline: none; }
#GapList::item { padding: 2px 4px; border-radius: 5px; color: #1f2430; }
#GapList::item:hover { background: #e6ecfb; }
#GapList::item:selected { background: #dde6ff; color: #1f2430; }
QPushButton#LinkButton { border: none; background: transparent; color: #3d6df2; padding: 4px 6px; }
QPushButton#LinkButton:hover { text-decoration: underline; }
#WeekView { border: 1px solid #e1e5ec; border-radius: 4px; background: #ffffff; }
"""
