"""Reading post archives into a workspace: format detection and one module per format."""

from app.core.ingest.detect import FORMATS, detect
from app.core.ingest.importer import ImportCancelled, check_inputs, expand_paths, import_file, import_paths
from app.core.ingest.options import ImportOptions

__all__ = [
    "FORMATS",
    "ImportCancelled",
    "ImportOptions",
    "check_inputs",
    "detect",
    "expand_paths",
    "import_file",
    "import_paths",
]
