# Shortcuts for those who have make; dev.py does the work and needs only Python 3.
.PHONY: run test check setup
run:
	python3 dev.py run
test:
	python3 dev.py test
check:
	python3 dev.py check
setup:
	python3 dev.py setup
# The one-folder bundle (dist/incident-timeline/) and its smoke test: see packaging/README.md.
.PHONY: bundle bundle-test
bundle:
	python3 dev.py bundle
bundle-test: bundle
	.venv/bin/python -m pytest -q -rs tests/e2e/test_bundle.py
