# Shortcuts for those who have make; dev.py does the work and needs only Python 3.
.PHONY: run test setup screenshots
run:
	python3 dev.py run
test:
	python3 dev.py test
setup:
	python3 dev.py setup
# The one-folder bundle (dist/incident-timeline/) and its smoke test: see packaging/README.md.
.PHONY: bundle bundle-test
bundle: setup
	.venv/bin/python -c "import PyInstaller" 2>/dev/null || .venv/bin/python -m pip install -q -e ".[bundle]"
	.venv/bin/python packaging/build.py
bundle-test: bundle
	.venv/bin/python -m pytest -q -rs tests/e2e/test_bundle.py
