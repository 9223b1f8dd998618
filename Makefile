# Two commands do all the set-up on a machine with Python 3.10+ and make:
#   make demo   builds the demo show's episode from articles/sample.md
#   make test   runs the test suite
#   make bench  compares a build with its engine alone + ffmpeg, and what Whisper hears (10-20 min)
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test bench clean

$(BIN)/podcast: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

demo: $(BIN)/podcast
	$(BIN)/podcast build articles/sample.md

test: $(BIN)/podcast
	$(BIN)/python -m pytest

# Options go through BENCH_ARGS, e.g. make bench BENCH_ARGS="--sizes 5 --runs 1"
bench: $(BIN)/podcast
	$(BIN)/python bench/run.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) episodes/*.mp3 episodes/*.xml episodes/*.json episodes/*.vtt episodes/*.srt
