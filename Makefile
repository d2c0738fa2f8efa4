# Shortcuts for those who have make; dev.py does the work and needs only Python 3.
.PHONY: run test setup screenshots
run:
	python3 dev.py run
test:
	python3 dev.py test
setup:
	python3 dev.py setup
