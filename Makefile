# Quick start on Debian 12:  make demo  then  make test
BUILD ?= build
ASAN_BUILD ?= build-asan
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?=

.PHONY: all deps configure build install demo test test-asan test-wireshark-versions test-interop package captures interop-captures install-plugin bench fuzz clean

all: build

deps:
	@scripts/install-deps.sh

$(BUILD)/CMakeCache.txt:
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo $(CMAKE_FLAGS)

configure: $(BUILD)/CMakeCache.txt

build: deps configure
	cmake --build $(BUILD) -j$(JOBS)

# The CLI, its man page and bash completion (and the plugin, when built) under PREFIX
# (default /usr/local; the plugin goes to Wireshark's own plugin folder).
PREFIX ?= /usr/local
install: build
	cmake --install $(BUILD) --prefix $(PREFIX)

demo: build
	@echo "== oscore-idu analyze on a shipped KUDOS capture (Californium prototype)"
	$(BUILD)/bin/oscore-idu analyze --keys captures/third-party/californium-kudos.oscore_contexts \
	    captures/third-party/californium-kudos.pcap
	@echo "== the same as JSON, procedures only"
	$(BUILD)/bin/oscore-idu analyze --format json --keys captures/third-party/libcoap-oscore-recipient-id-options.oscore_contexts \
	    captures/third-party/libcoap-oscore-recipient-id-options.pcap --fail-on never \
	    | python3 -c 'import json,sys; d=json.load(sys.stdin); print(json.dumps({k: d[k] for k in ("procedures","findings","summary")}, indent=1))'

test: build
	@scripts/open-for-test-user.sh .
	cd $(BUILD) && ctest --output-on-failure -j$(JOBS)

# The engine, CLI and unit tests under AddressSanitizer and UndefinedBehaviorSanitizer.
test-asan: deps
	cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DOIDU_SANITIZE=ON -DOIDU_PLUGIN=OFF
	cmake --build $(ASAN_BUILD) -j$(JOBS)
	@scripts/open-for-test-user.sh .
	cd $(ASAN_BUILD) && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
	    ctest --output-on-failure -j$(JOBS) -LE 'slow|fuzz'

# The plugin against Wireshark 4.0, 4.4 and 4.6 (Debian 12, 13 and sid chroots, cached in
# /var/cache/oscore-idu): build, every tshark-based test, the GUI smoke test, the .deb.
test-wireshark-versions:
	tests/wireshark-versions/run.sh

# The .deb of this Debian release (CLI in /usr/bin, plugin in Wireshark's system plugin folder),
# in $(BUILD)/packages/.
package: build
	cd $(BUILD) && cpack

captures: build
	captures/regenerate.sh $(BUILD)/bin/oscore-idu

# Real stacks (libcoap, aiocoap) in a Debian sid chroot cached in /var/cache/oscore-idu
# (tests/interop/README.md). interop-captures rewrites captures/third-party/interop/;
# test-interop regenerates into a temp dir and checks against the stacks' truth. Root only;
# exits non-zero when the chroot cannot be made unless OIDU_SKIP_INTEROP=1.
interop-captures: build
	tests/interop/run.sh $(BUILD) captures/third-party/interop

test-interop: build
	tests/interop/run.sh $(BUILD)

install-plugin: build
	plugin/install.sh $(BUILD)/plugin/oscore_idu.so

bench: build
	tests/bench/run.sh $(BUILD)

fuzz: deps
	tests/fuzz/run.sh 120

clean:
	rm -rf $(BUILD) $(ASAN_BUILD)
