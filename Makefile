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
#   make deb             the Debian packages ldwatch-dkms and ldwatch, in build/deb/
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
# The rule engine's sources (LDW_RULE_SOURCES, LDW_RULE_FILES): one list.
include module/rule/sources.mk
MODULE_SOURCES := Kbuild $(wildcard module/*.c module/*.h include/ldwatch/*.h) $(LDW_RULE_FILES)
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

# The rule engine: the same sources, compiled into the module and the tools.
MATCHER_SOURCES := $(LDW_RULE_SOURCES)
# The netlink client and the ECS writer, shared by both tools.
NETLINK_SOURCES := userspace/genl_client.c userspace/ecs.c
LDWATCHCTL_SOURCES := userspace/ldwatchctl.c userspace/event_json.c $(NETLINK_SOURCES) \
	$(MATCHER_SOURCES)
# Rule files: the EQL compiler and the readers of rule and exception files
# (userspace/rule/), and ldwatchctl's rules and exceptions commands. The
# SHA-256 of a compiled rule with nettle (Debian: nettle-dev).
RULEFILE_SOURCES := $(wildcard userspace/rule/*.c) userspace/ldwatchctl_rules.c
LDWATCHCTL_SOURCES += $(RULEFILE_SOURCES)
NETTLE_LIBS := $(or $(shell pkg-config --libs nettle 2>/dev/null),-lnettle)
LDWATCHD_SOURCES := userspace/ldwatchd.c userspace/ldwatchd_state.c userspace/ecs_records.c \
	$(NETLINK_SOURCES) $(MATCHER_SOURCES) userspace/journal_output.c
# libsystemd (Debian: libsystemd-dev): ldwatchd --journal; it reads the
# fields back from the rendered line with json-c (libjson-c-dev).
SYSTEMD_CFLAGS := $(shell pkg-config --cflags libsystemd 2>/dev/null)
SYSTEMD_LIBS := $(or $(shell pkg-config --libs libsystemd 2>/dev/null),-lsystemd)
USERSPACE_HEADERS := $(wildcard include/ldwatch/*.h userspace/*.h userspace/rule/*.h)

PREFIX ?= /usr/local
SBINDIR ?= $(PREFIX)/sbin
MANDIR ?= $(PREFIX)/share/man
# systemd reads units here too; Debian's packages use /lib/systemd/system.
UNITDIR ?= $(PREFIX)/lib/systemd/system
# ldwatchd.service reads SYSCONFDIR/ldwatch/ldwatchd.conf.
SYSCONFDIR ?= /etc
# The module's source as DKMS takes it: dkms.conf and what Kbuild compiles.
# The one list for make install, the ldwatch-dkms package and tests/dkms.sh.
DKMS_SOURCES := dkms.conf $(MODULE_SOURCES)
DKMS_SRCDIR ?= /usr/src/ldwatch-$(VERSION)
MAN_PAGES := man/ldwatchd.8 man/ldwatchctl.8
# The rule files ldwatch ships, loadable as they are (rules/README.md).
RULE_FILES := $(wildcard rules/*.eql) rules/README.md
RULESDIR ?= $(PREFIX)/share/ldwatch/rules

.PHONY: all module userspace check kunit bench demo install install-tools dkms-source \
	uninstall deb clean help

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
		$(LDWATCHCTL_SOURCES) $(JSONC_LIBS) $(GENL_LIBS) $(NETTLE_LIBS)

$(BUILD)/ldwatchd: $(LDWATCHD_SOURCES) $(USERSPACE_HEADERS)
	@mkdir -p $(@D)
	$(CC) $(LDW_CFLAGS) $(JSONC_CFLAGS) $(GENL_CFLAGS) $(SYSTEMD_CFLAGS) $(CFLAGS) $(LDFLAGS) \
		-o $@ $(LDWATCHD_SOURCES) $(JSONC_LIBS) $(GENL_LIBS) $(SYSTEMD_LIBS)

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

# The tools, their man pages, the unit and its configuration (kept if it is
# there: it is the administrator's). The Debian package installs these.
install-tools: userspace
	install -D -m 0755 $(BUILD)/ldwatchctl $(DESTDIR)$(SBINDIR)/ldwatchctl
	install -D -m 0755 $(BUILD)/ldwatchd $(DESTDIR)$(SBINDIR)/ldwatchd
	@mkdir -p $(DESTDIR)$(MANDIR)/man8
	for m in $(MAN_PAGES); do \
		sed 's|@VERSION@|$(VERSION)|g' $$m > $(DESTDIR)$(MANDIR)/man8/$${m##*/} && \
		chmod 0644 $(DESTDIR)$(MANDIR)/man8/$${m##*/} || exit 1; \
	done
	@mkdir -p $(DESTDIR)$(RULESDIR)
	install -m 0644 $(RULE_FILES) $(DESTDIR)$(RULESDIR)/
	@mkdir -p $(DESTDIR)$(UNITDIR)
	sed -e 's|@SBINDIR@|$(SBINDIR)|g' -e 's|@SYSCONFDIR@|$(SYSCONFDIR)|g' \
		userspace/ldwatchd.service > $(DESTDIR)$(UNITDIR)/ldwatchd.service
	chmod 0644 $(DESTDIR)$(UNITDIR)/ldwatchd.service
	install -d -m 0755 $(DESTDIR)$(SYSCONFDIR)/ldwatch/rules.d \
		$(DESTDIR)$(SYSCONFDIR)/ldwatch/exceptions.d
	@if [ ! -e $(DESTDIR)$(SYSCONFDIR)/ldwatch/ldwatchd.conf ]; then \
		install -D -m 0644 userspace/ldwatchd.conf $(DESTDIR)$(SYSCONFDIR)/ldwatch/ldwatchd.conf; \
	else \
		echo "$(DESTDIR)$(SYSCONFDIR)/ldwatch/ldwatchd.conf is there: kept"; \
	fi

# The module's source where DKMS looks for it.
dkms-source:
	rm -rf $(DESTDIR)$(DKMS_SRCDIR)
	mkdir -p $(DESTDIR)$(DKMS_SRCDIR)
	cp --parents $(DKMS_SOURCES) $(DESTDIR)$(DKMS_SRCDIR)/

install: install-tools
	@if [ -z "$(DESTDIR)" ] && [ -d /run/systemd/system ]; then systemctl daemon-reload; fi
	@if [ -z "$(DESTDIR)" ]; then \
		set -e; \
		$(MAKE) --no-print-directory dkms-source; \
		dkms install -m ldwatch -v $(VERSION) $(if $(filter-out file,$(origin KERNELRELEASE)),-k $(KERNELRELEASE)); \
	else \
		echo "DESTDIR set: the module is not registered with DKMS"; \
	fi

uninstall:
	rm -f $(DESTDIR)$(SBINDIR)/ldwatchctl $(DESTDIR)$(SBINDIR)/ldwatchd
	rm -f $(addprefix $(DESTDIR)$(MANDIR)/man8/,$(notdir $(MAN_PAGES)))
	rm -f $(DESTDIR)$(UNITDIR)/ldwatchd.service
	rm -rf $(DESTDIR)$(RULESDIR)
	@if [ -z "$(DESTDIR)" ] && [ -d /run/systemd/system ]; then systemctl daemon-reload; fi
	-dkms remove -m ldwatch -v $(VERSION) --all
	rm -rf $(DESTDIR)$(DKMS_SRCDIR)
	@echo "$(DESTDIR)$(SYSCONFDIR)/ldwatch is the administrator's: kept"

# Debian packages: ldwatch-dkms (the module's source, built by DKMS on the
# server) and ldwatch (the tools and the service), built without root from
# a copy of the tree, so that the work tree stays clean. See debian/.
DEB_DIR := $(BUILD)/deb
DEB_SRC := $(DEB_DIR)/src/ldwatch-$(VERSION)
deb:
	@v=$$(dpkg-parsechangelog -l debian/changelog -S Version) && [ "$$v" = "$(VERSION)" ] || \
		{ echo "debian/changelog's version $$v is not $(VERSION) (dkms.conf): add an entry (dch -v $(VERSION))" >&2; exit 1; }
	rm -rf $(DEB_DIR)
	mkdir -p $(DEB_SRC)
	git ls-files -z --cached --others --exclude-standard | \
		xargs -0 sh -c 'for f; do [ -e "$$f" ] && printf "%s\0" "$$f"; done' sh | \
		xargs -0 cp --parents -t $(DEB_SRC)
	cd $(DEB_SRC) && dpkg-buildpackage -b -us -uc $(DEB_BUILD_ARGS) > ../build.log 2>&1 || \
		{ tail -n 30 ../build.log >&2; echo "dpkg-buildpackage failed: $(DEB_DIR)/src/build.log" >&2; exit 1; }
	mv $(DEB_DIR)/src/*.deb $(DEB_DIR)/src/*.buildinfo $(DEB_DIR)/src/*.changes $(DEB_DIR)/
	@ls -1 $(DEB_DIR)/*.deb

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
	@echo "  uninstall      undo install (SYSCONFDIR/ldwatch is kept)"
	@echo "  deb            Debian packages ldwatch-dkms and ldwatch in $(BUILD)/deb/"
	@echo "                 (debhelper, dh-dkms; see README)"
	@echo "  clean          remove $(BUILD)/"
	@echo "Variables:"
	@echo "  KERNELRELEASE  kernel to build the module for (default: the running one)"
	@echo "  KDIR           its build tree (default: /lib/modules/KERNELRELEASE/build);"
	@echo "                 the tests pass the cached target kernels' headers here"
	@echo "  KBUILD_ARGS    extra kbuild arguments, e.g. \"W=1 C=2\""
	@echo "  LDW_CACHE      where the tests cache kernels (default: /var/cache/ldwatch)"
	@echo "  UNITDIR        where the systemd unit goes (default: PREFIX/lib/systemd/system)"
	@echo "  SYSCONFDIR     where ldwatch/ldwatchd.conf goes (default: /etc)"
	@echo "  MANDIR         where the man pages go (default: PREFIX/share/man)"
	@echo "  PREFIX, DESTDIR, CC, CFLAGS, LDFLAGS  as usual"
