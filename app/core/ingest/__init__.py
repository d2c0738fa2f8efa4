"""Reading post archives into a workspace: format detection and one module per format."""

from app.core.ingest.detect import FORMATS, detect
from app.core.ingest.importer import ImportCancelled, expand_paths, import_file, import_paths

__all__ = ["FORMATS", "ImportCancelled", "detect", "expand_paths", "import_file", "import_paths"]
