"""The postmortem PDF: what leadership reads after a major incident.

Built with reportlab's platypus from the incident's log. Sections, in order:

- a cover: title, reference, severity, dates, the Major Incident Manager, authors, DRAFT/FINAL;
- 1 Executive summary, on one page: impact, duration, key figures, the top follow-ups;
- 2 Key times and figures: time to declare, mitigate, resolve; updates per audience and the
  share sent on time against the cadence; the timeline chart;
- 3 The review: summary, business impact, root cause, contributing factors, what went well and
  badly, where we got lucky, lessons;
- 4 Timeline: every entry, in local time with its zone, its author and kind; corrections shown,
  withdrawn entries struck through, changes the log kept but did not apply marked;
- 5 Roles and handovers; 6 Declaration record; 7 Communications log; 8 Follow-up actions;
- Appendix A: every message sent, in full.

Every page carries the organisation, the classification marking and "Page X of Y". Text is set
in DejaVu Sans, embedded, so Latin, Greek and Cyrillic names print; every table cell is a
paragraph, so long text wraps and long tables continue on the next page under their header.

One module per section (cover, summary, figures, review, timeline, roles, declaration,
communications, followups, appendix), each a function of the :class:`Builder` (builder.py) that
returns its flowables; document.py puts them in order and lays them out.
"""

from mimdesk.reports.postmortem.data import SECTIONS, Progress, ReportData
from mimdesk.reports.postmortem.document import write_postmortem
from mimdesk.reports.postmortem.markup import chunks

__all__ = ["SECTIONS", "Progress", "ReportData", "chunks", "write_postmortem"]
