# SPDX-License-Identifier: GPL-2.0
#
# ldwatch: the entry point for people. The module itself is built by Kbuild
# (the file beside this one), which DKMS also uses on its own.
#
#   make                 the module for one kernel, and the userspace tools
#   make check           every test suite; ends with "N passed, N failed"
#   make kunit           the lab tier alone: KUnit and the guests on a debug kernel
#   make bench           what ldwatch costs per file operation
#   make demo            see ldwatch work in a qemu guest
#   make install         the tools, and the module through DKMS
#   make help            all targets and variables

VERSION := $(shell sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' dkms.conf)

# The kernel to build for: KDIR (a build tree, e.g. /lib/modules/R/build)
# or KERNELRELEASE; by default the running kernel.
KERNELRELEASE ?= $(shell uname -r)
ifdef KDIR
KERNEL_ID := $(patsubst linux-headers-%,%,$(notdir $(realpath $(KDIR))))
else
KDIR := /lib/modules/$(KERNELRELEASE)/build
KERNEL_ID := $(KERNELRELEASE)
endif

BUILD := build
MODULE_DIR := $(BUILD)/kernel/$(KERNEL_ID)
# What Kbuild compiles: staged into $(MODULE_DIR)/src, so that the work tree
# stays clean and builds for several kernels never share objects.
MODULE_SOURCES := Kbuild $(wildcard module/*.c module/*.h include/ldwatch/*.h)
# Extra kbuild arguments, e.g. KBUILD_ARGS="W=1 C=2".
KBUILD_ARGS ?=

CC ?= cc
CFLAGS ?= -O2 -g
LDW_CFLAGS := -std=gnu11 -Wall -Wextra -Iinclude -D_GNU_SOURCE
JSONC_CFLAGS := $(shell pkg-config --cflags json-c 2>/dev/null)
JSONC_LIBS := $(or $(shell pkg-config --libs json-c 2>/dev/null),-ljson-c)
# libnl-genl-3 (Debian: libnl-genl-3-dev): all of the tools' netlink.
GENL_CFLAGS := $(or $(shell pkg-config --cflags libnl-genl-3.0 2>/dev/null),-I/usr/include/libnl3)
GENL_LIBS := $(or $(shell pkg-config --libs libnl-genl-3.0 2>/dev/null),-lnl-genl-3 -lnl-3)

# The matcher: one source, compiled into the module and into the tools.
MATCHER_SOURCES := module/rule_match.c module/rule_format.c module/rule_default.c \
	module/rule_companion.c
# The netlink client and the ECS writer, shared by both tools.
NETLINK_SOURCES := userspace/genl_client.c userspace/ecs.c
LDWATCHCTL_SOURCES := userspace/ldwatchctl.c userspace/event_json.c $(NETLINK_SOURCES) \
	$(MATCHER_SOURCES)
LDWATCHD_SOURCES := userspace/ldwatchd.c userspace/ecs_records.c $(NETLINK_SOURCES) \
	module/rule_match.c
USERSPACE_HEADERS := $(wildcard include/ldwatch/*.h userspace/*.h)

PREFIX ?= /usr/local
SBINDIR ?= $(PREFIX)/sbin
# systemd reads units here too; Debian's packages use /lib/systemd/system.
UNITDIR ?= $(PREFIX)/lib/systemd/system

.PHONY: all module userspace check kunit bench demo install uninstall clean help

all: module userspace

module: $(MODULE_DIR)/ldwatch.ko

$(MODULE_DIR)/ldwatch.ko: $(MODULE_SOURCES)
	@test -d "$(KDIR)" || { echo "No kernel build tree at $(KDIR): install the" \
		"headers (apt-get install linux-headers-$(KERNELRELEASE)) or pass KDIR=." >&2; exit 1; }
	rm -rf $(MODULE_DIR)/src
	mkdir -p $(MODULE_DIR)/src
	cp --parents $(MODULE_SOURCES) $(MODULE_DIR)/src/
	$(MAKE) -C $(KDIR) M=$(abspath $(MODULE_DIR)/src) $(KBUILD_ARGS) modules
	cp $(MODULE_DIR)/src/ldwatch.ko $@

userspace: $(BUILD)/ldwatchctl $(BUILD)/ldwatchd

$(BUILD)/ldwatchctl: $(LDWATCHCTL_SOURCES) $(USERSPACE_HEADERS)
	@mkdir -p $(@D)
	$(CC) $(LDW_CFLAGS) $(JSONC_CFLAGS) $(GENL_CFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ \
		$(LDWATCHCTL_SOURCES) $(JSONC_LIBS) $(GENL_LIBS)

$(BUILD)/ldwatchd: $(LDWATCHD_SOURCES) $(USERSPACE_HEADERS)
	@mkdir -p $(@D)
	$(CC) $(LDW_CFLAGS) $(GENL_CFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $(LDWATCHD_SOURCES) $(GENL_LIBS)

check:
	tests/check.sh

# The lab tier: builds (once; cached in LDW_CACHE) a 6.12 kernel with KUnit,
# KASAN, lockdep and kmemleak, and runs the KUnit suites and every guest
# scenario on it.
kunit:
	tests/lab/run.sh

# What ldwatch costs per file operation, against no sensor and against
# auditd, in a qemu guest counting instructions (-icount); see README.
bench:
	tests/bench/run.sh $(BENCH_ARGS)

demo:
	tests/demo.sh

# system-test: the system tier. ldwatch's two .debs installed with apt-get
# in a real Debian 12 system (built once with debootstrap, cached in
# LDW_CACHE) booted under qemu, for each target kernel; `make check` runs it
# for the first one only.
.PHONY: system-test
system-test:
	tests/system/run.sh $$(tests/kernels.sh)

install: userspace
	install -D -m 0755 $(BUILD)/ldwatchctl $(DESTDIR)$(SBINDIR)/ldwatchctl
	install -D -m 0755 $(BUILD)/ldwatchd $(DESTDIR)$(SBINDIR)/ldwatchd
	@mkdir -p $(DESTDIR)$(UNITDIR)
	sed 's|@SBINDIR@|$(SBINDIR)|g' userspace/ldwatchd.service > $(DESTDIR)$(UNITDIR)/ldwatchd.service
	chmod 0644 $(DESTDIR)$(UNITDIR)/ldwatchd.service
	@if [ -z "$(DESTDIR)" ] && [ -d /run/systemd/system ]; then systemctl daemon-reload; fi
	@if [ -z "$(DESTDIR)" ]; then \
		set -e; \
		rm -rf /usr/src/ldwatch-$(VERSION); \
		mkdir -p /usr/src/ldwatch-$(VERSION); \
		cp --parents dkms.conf $(MODULE_SOURCES) /usr/src/ldwatch-$(VERSION)/; \
		dkms install -m ldwatch -v $(VERSION) $(if $(filter-out file,$(origin KERNELRELEASE)),-k $(KERNELRELEASE)); \
	else \
		echo "DESTDIR set: the module is not registered with DKMS"; \
	fi

uninstall:
	rm -f $(DESTDIR)$(SBINDIR)/ldwatchctl $(DESTDIR)$(SBINDIR)/ldwatchd
	rm -f $(DESTDIR)$(UNITDIR)/ldwatchd.service
	@if [ -z "$(DESTDIR)" ] && [ -d /run/systemd/system ]; then systemctl daemon-reload; fi
	-dkms remove -m ldwatch -v $(VERSION) --all
	rm -rf /usr/src/ldwatch-$(VERSION)

clean:
	rm -rf $(BUILD)

help:
	@echo "Targets:"
	@echo "  all (default)  the module for one kernel, ldwatchctl and ldwatchd"
	@echo "  module         the module only, in $(BUILD)/kernel/RELEASE/ldwatch.ko"
	@echo "  userspace      ldwatchctl and ldwatchd, in $(BUILD)/"
	@echo "  check          every test: unit, fuzz, kernel builds for each target kernel,"
	@echo "                 DKMS, qemu guests; as root it installs what it needs. The"
	@echo "                 target kernels (Debian 12's 6.1, 6.1-rt, 6.12) are unpacked"
	@echo "                 into LDW_CACHE/kernels (tests/kernels.sh), never installed"
	@echo "  kunit          the lab tier only: KUnit suites, the guest scenarios and a"
	@echo "                 load/unload stress on a KASAN/lockdep/kmemleak 6.12 kernel"
	@echo "                 (built on first use, 7-15 min, cached in LDW_CACHE)"
	@echo "  bench          cost per file operation vs no sensor and auditd (qemu -icount);"
	@echo "                 build/bench/results.json (BENCH_ARGS=--help for options)"
	@echo "  demo           boot Debian's 6.1 kernel (from LDW_CACHE) under qemu with"
	@echo "                 ldwatch and ldwatchd, play an attack and look-alikes, show"
	@echo "                 the alerts. KERNEL=RELEASE another target kernel;"
	@echo "                 SCENARIO=script.sh your own attack, run as root in the guest;"
	@echo "                 DEMO_KMODS=\"mod ...\" the kernel's modules it may modprobe"
	@echo "                 (default: fuse overlay loop ext4); DEMO_BINS=\"path ...\""
	@echo "                 your own (static) programs, put in the guest's /usr/local/bin"
	@echo "  system-test    the .debs installed, rebooted, attacked, upgraded and purged"
	@echo "                 in a Debian 12 system under qemu, for each target kernel"
	@echo "  install        ldwatchctl and ldwatchd into $(SBINDIR), ldwatchd.service"
	@echo "                 into $(UNITDIR), the module through DKMS (root)"
	@echo "  uninstall      undo install"
	@echo "  clean          remove $(BUILD)/"
	@echo "Variables:"
	@echo "  KERNELRELEASE  kernel to build the module for (default: the running one)"
	@echo "  KDIR           its build tree (default: /lib/modules/KERNELRELEASE/build);"
	@echo "                 the tests pass the cached target kernels' headers here"
	@echo "  KBUILD_ARGS    extra kbuild arguments, e.g. \"W=1 C=2\""
	@echo "  LDW_CACHE      where the tests cache kernels (default: /var/cache/ldwatch)"
	@echo "  UNITDIR        where the systemd unit goes (default: PREFIX/lib/systemd/system)"
	@echo "  PREFIX, DESTDIR, CC, CFLAGS, LDFLAGS  as usual"
