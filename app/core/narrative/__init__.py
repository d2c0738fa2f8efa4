"""Words from facts: every sentence a user reads about an incident is written here, from the
figures and findings of :mod:`app.core.analysis` and :mod:`app.core.facts`, through one style
(:mod:`.words`), so that one figure reads the same in the window, the CLI and the report.

* :mod:`.words`: numbers, counts, shares, rates, durations, dates and times; the unknown.
* :mod:`.claims`: sentences as :class:`~app.core.model.Claim` objects that know which
  figures, times, quotations and names they print (the claims audit reads them).
* :mod:`.findings`: a finding's label, explanation and evidence lines.
* :mod:`.chronicle`: a paragraph per phase.
* :mod:`.summary`: the executive summary of the incident's main wave.
"""
