"""What the one-folder bundle leaves out: the Python modules PyInstaller must not collect and
the libraries and plugins its hooks collect anyway. Read by the spec (incident-timeline.spec)
and by the bundle's tests (tests/e2e/test_bundle.py), which check that nothing kept needs what
is left out. Standard library only: it runs inside PyInstaller's spec.
"""

from __future__ import annotations

import sys

# ---- what the app uses of Qt ----------------------------------------------------------------
# The app itself imports QtCore, QtGui and QtWidgets (the PDF report needs QtGui alone:
# QPdfWriter); QtSvg draws the SVG icon; pyqtgraph imports QtOpenGL and QtOpenGLWidgets at
# start-up (even when nothing draws with OpenGL). It also tries QtTest, and does without it:
# left out. Everything else that PySide6-Essentials ships
# (Qml/Quick and their controls, Designer, Help, UiTools, Sql, Xml, Network, Concurrent, DBus
# bindings, PrintSupport) is left out, and so are the bindings PySide6-Essentials does not ship
# (WebEngine, 3D, Multimedia, Charts, ...) in case PySide6-Addons is installed.
QT_EXCLUDES = [
    "PySide6." + m
    for m in (
        "QtTest",
        "QtPrintSupport",
        "QtQml",
        "QtQuick",
        "QtQuickControls2",
        "QtQuickWidgets",
        "QtQuickTest",
        "QtQuick3D",
        "QtDesigner",
        "QtHelp",
        "QtUiTools",
        "QtSql",
        "QtXml",
        "QtNetwork",
        "QtConcurrent",
        "QtDBus",
        "QtSvgWidgets",
        "QtStateMachine",
        "QtScxml",
        "QtRemoteObjects",
        "QtWebEngineCore",
        "QtWebEngineWidgets",
        "QtWebEngineQuick",
        "QtWebChannel",
        "QtWebSockets",
        "QtWebView",
        "QtHttpServer",
        "QtNetworkAuth",
        "Qt3DCore",
        "Qt3DRender",
        "Qt3DInput",
        "Qt3DLogic",
        "Qt3DAnimation",
        "Qt3DExtras",
        "QtMultimedia",
        "QtMultimediaWidgets",
        "QtSpatialAudio",
        "QtTextToSpeech",
        "QtCharts",
        "QtDataVisualization",
        "QtGraphs",
        "QtGraphsWidgets",
        "QtCanvasPainter",
        "QtBluetooth",
        "QtNfc",
        "QtPositioning",
        "QtLocation",
        "QtSensors",
        "QtSerialPort",
        "QtSerialBus",
        "QtPdf",
        "QtPdfWidgets",
    )
]

PY_EXCLUDES = [
    # other Qt bindings pyqtgraph could use
    "PyQt5",
    "PyQt6",
    "PySide2",
    # GUI toolkits and tools never used
    "tkinter",
    "_tkinter",
    "turtle",
    "turtledemo",
    "idlelib",
    "pydoc_data",
    # test and build tooling that hooks might drag in
    "pytest",
    "_pytest",
    "pytestqt",
    "pypdf",
    "importlinter",
    "grimp",
    "unittest.mock",
    "setuptools",
    "pkg_resources",
    "pip",
    "distutils",
    "lib2to3",
    "numpy.tests",
    "numpy.f2py",
    "numpy.distutils",
    "numpy.testing._private.extbuild",
    "duckdb.experimental.spark",
    # zstandard's CFFI backend (12 MB unstripped): the C backend is the one imported
    "zstandard.backend_cffi",
    "zstandard._cffi",
    "pandas",
    "pyarrow",
    "polars",
    "matplotlib",
    "scipy",
    "IPython",
    "jupyter_rfb",
    "ipywidgets",
    "cupy",
    "numba",
    "h5py",
    "metaarray",
    # pyqtgraph parts the app does not use (3D, Jupyter, its example browser)
    "pyqtgraph.examples",
    "pyqtgraph.opengl",
    "pyqtgraph.jupyter",
    "pyqtgraph.canvas",
    "pyqtgraph.flowchart",
    "pyqtgraph.console",
    "OpenGL",
    # nothing here talks TLS (the app is offline) or reads a line at an interactive prompt
    "ssl",
    "_ssl",
    "readline",
    # an HTTP stack only the VADER package's interactive demo would use
    "requests",
    "urllib3",
    "certifi",
    "charset_normalizer",
    "idna",
]

# Qt libraries and plugins that hooks collect but this app never loads: dropped from the TOC.
DROP_PATTERNS = (
    "Qt6Quick",
    "Qt6Qml",
    "Qt6Pdf",
    "Qt6VirtualKeyboard",
    "Qt6Designer",
    "Qt6Help",
    "Qt6Lottie",
    "Qt6Labs",
    "Qt6Network",
    "Qt6Sql",
    "Qt6Test.",
    "Qt6WaylandCompositor",
    "Qt6WlShell",
    "plugins/qmltooling",
    "plugins/qmllint",
    "plugins/designer",
    "plugins/sqldrivers",
    "plugins/tls",
    "plugins/networkinformation",
    "plugins/vectorimageformats",
    "plugins/wayland-graphics-integration-server",
    "libqvnc",
    "libqpdf",
    "qml/",
    # image formats the app never reads (it draws PNG, which is built in, and SVG; the plots'
    # context menus, and with them pyqtgraph's image export, are switched off)
    "libqtiff",
    "libqwebp",
    "libqtga",
    "libqwbmp",
    "libqjpeg",
    "libqgif",
    # input and platform plugins for embedded devices and tests: a desktop runs on xcb or
    # wayland, the self-test on offscreen
    "plugins/generic/",
    "libqlinuxfb",
    "libqminimal",
    "libivi-shell",
    "libwl-shell-plugin",  # needs Qt6WlShellIntegration, left out above
    "libfullscreen-shell",
    "libqt-shell",
)
if sys.platform != "darwin":
    DROP_PATTERNS += ("libqicns",)  # macOS icon images
if sys.platform.startswith("linux"):
    DROP_PATTERNS += (
        "libQt6EglFsKmsSupport",
        "libQt6EglFSDeviceIntegration",
        "libqeglfs",
        "egldeviceintegrations",
        "libqvkkhrdisplay",
        # Qt's GTK3 platform theme loads the system's GTK, which then meets the GLib, Cairo and
        # Pango copied into the bundle (a known source of crashes); without it Qt uses the XDG
        # desktop portal theme (light/dark colour scheme, native file dialogs where a portal
        # runs). Dropped with the libraries only it needed:
        "libqgtk3",
        "libatk-1.0",
        "libcairo",
        "libgdk_pixbuf",
        "libpango",
        "libfribidi",
        "libthai",
        "libdatrie",
        "libpixman",
        "libgraphite2",
        "libharfbuzz",
        # ... and those that nothing left in the bundle loads (checked by linking: no library
        # or plugin kept needs them): GIO and its mount/SELinux helpers, GObject, Kerberos,
        # libjpeg (wanted only by GTK's image loader)
        "libgio-2.0",
        "libgobject-2.0",
        "libgmodule-2.0",
        "libmount.",
        "libblkid.",
        "libselinux.",
        "libgssapi_krb5",
        "libkrb5",
        "libk5crypto",
        "libkeyutils",
        "libcom_err",
        "libjpeg.",
    )


def dropped(dest: str) -> bool:
    """Whether a library or plugin at this place in the bundle is left out."""
    dest = dest.replace("\\", "/")
    return any(p in dest for p in DROP_PATTERNS)


def keep(entry) -> bool:
    return not dropped(entry[0])


# Qt's translations (7 MB) are left out: the app's own text is English only, and Qt's
# translated dialog buttons would make a mixed-language window.
def keep_translation(entry) -> bool:
    return "/translations/" not in "/" + entry[0].replace("\\", "/")
