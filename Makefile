.PHONY: run test lint lock bench setup stack client screenshots

run:            ## set up and start web + worker on the embedded defaults (SQLite, local broker)
	scripts/run.sh

test:           ## ruff, lint-imports, mypy, pip-audit, then pytest against real PostgreSQL/Redis/Celery/Chromium
	scripts/test.sh

screenshots:    ## retake README's docs/screenshots/*.png (real browser, worker, fall detector)
	scripts/screenshots.sh

stack: setup    ## web (gunicorn) + CPU worker + beat from the Procfile, on DATABASE_URL/REDIS_URL
	scripts/stack.sh

client:         ## regenerate the Python SDK in clients/python/ from the API schema
	scripts/client.sh

lint:
	.venv/bin/ruff check .
	.venv/bin/lint-imports

lock:           ## rewrite the hashed requirements*.txt from requirements*.in
	scripts/lock.sh

setup:
	scripts/setup.sh

bench:          ## benchmarks that print tables (slow: minutes)
	.venv/bin/python -m bench.bench_pipeline
	.venv/bin/python -m bench.bench_memory
	.venv/bin/python -m bench.bench_worker_memory
