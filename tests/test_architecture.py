"""The layering rules: the import-linter contracts in pyproject.toml (the core imports no Qt,
only the store imports duckdb, the renderers import no UI, only the CLI opens the window), and
what import-linter cannot say about an external package's parts."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parent.parent
RENDERERS = ("app.report_pdf", "app.report_html")


def test_import_contracts_are_kept():
    lint = shutil.which("lint-imports", path=str(Path(sys.executable).parent)) or shutil.which("lint-imports")
    assert lint, "import-linter is not installed"
    result = subprocess.run([lint, "--no-cache"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_renderers_use_no_widgets():
    """A report prints with QtGui alone (a QGuiApplication, offscreen): QtWidgets would need a
    QApplication and tie the renderers to the window's process."""
    graph = grimp.build_graph("app", include_external_packages=True)
    for renderer in RENDERERS:
        for imp in graph.get_import_details(importer=renderer, imported="PySide6"):
            assert not re.search(r"\bQtWidgets\b", imp["line_contents"]), f"{renderer}: {imp}"
