"""The analysis: what the posts show, measured, without words.

Each detector is a module with ``find(ctx) -> list[Finding]`` (see
:class:`app.core.model.Finding`): it measures one kind of candidate turning point and returns
its figures (:class:`app.core.model.Figure`, each with the :class:`~app.core.model.Source` a
test can recompute it from), the posts and accounts behind it, the particulars a reader needs
(``detail``) and the caveats they must be told (``flags``). Detectors never write sentences:
:mod:`app.core.narrative` words findings, once, for the window, the CLI and the report.

Layout:

* :mod:`.settings`: every threshold of every detector, in one frozen dataclass.
* :mod:`.context`: what every detector reads (the workspace's span, its series at the
  analysis bin, the brand's handles), fetched once per run.
* :mod:`.suggest`: runs the detectors, de-duplicates and ranks what they found.
* :mod:`.changepoints`: exact segmentation of a series (a mean-shift cost and a binomial one).
* :mod:`.rhythm`: a series' daily rhythm, to tell mornings from escalations.
* :mod:`.coverage`: what the archive covers: its first and last post, where its collection may
  have begun or stopped, gaps with no posts in an otherwise busy series.
* one module per detector: :mod:`.volume`, :mod:`.peaks`, :mod:`.sentiment_shifts`,
  :mod:`.early_warning`, :mod:`.influence`, :mod:`.amplification`, :mod:`.press`,
  :mod:`.brand`; :mod:`.accounts` recognises automated and utility accounts, which the
  influence and amplification detectors leave out.
* :mod:`.ranking`: one finding per event, ranked by importance.

Rules: no Qt, no duckdb import (SQL lives in :mod:`app.core.store`, which returns typed rows),
no sentences. Unknown is a value: a figure whose input is missing is ``Figure.missing(reason)``,
never a zero, and nothing is ranked on unknown values.
"""
