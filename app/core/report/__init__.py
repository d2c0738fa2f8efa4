"""The post-mortem report: what it says (:mod:`.content`, sections as data made from the
incident's facts and the narrative's words), its one chart drawing (:mod:`.charts`, SVG) and
its Qt-free HTML rendering (:mod:`.html`). The PDF renderer, which paints with QtGui, lives
outside the core (``app.report_pdf``)."""
