# The two commands of README.md: `make app` and `make test`. Everything else is a helper.
PY := .venv/bin/python

.PHONY: app test venv bench demo lint
app: venv
	$(PY) scripts/build_fast.py
	$(PY) -m streamlit run app.py --browser.gatherUsageStats false

test:
	bash scripts/test.sh

venv: .venv/.installed
.venv/.installed: requirements.txt requirements-test.txt requirements-lock.txt
	bash scripts/venv.sh

demo: venv
	$(PY) data/demo/generate.py

bench: venv
	for b in bench/*.py; do $(PY) $$b || exit 1; done

lint: venv
	$(PY) -m ruff check .
