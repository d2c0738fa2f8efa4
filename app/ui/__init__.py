"""The PySide6 + pyqtgraph window: a thin layer over the core."""
