# A thin wrapper over CMake so the obvious commands do the obvious thing.
#   make demo   install what is missing, build, and diagnose the sample logs
#   make test   install what is missing, build, and run every test
BUILD ?= build
CMAKE_FLAGS ?=

.PHONY: all deps configure build demo test docs bench install clean

all: build

deps:
	@./scripts/install-deps.sh

$(BUILD)/CMakeCache.txt:
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release $(CMAKE_FLAGS)

configure: deps $(BUILD)/CMakeCache.txt

build: configure
	cmake --build $(BUILD) -j2

# diagnose exits 1 when it finds a problem: that is the expected outcome here.
demo: build
	./$(BUILD)/examples/diagnose examples/samples; test $$? -le 1

test: build
	ctest --test-dir $(BUILD) --output-on-failure -j2

docs: configure
	cmake --build $(BUILD) --target docs

bench: build
	cmake --build $(BUILD) --target bench

install: build
	cmake --install $(BUILD)

clean:
	rm -rf $(BUILD)
