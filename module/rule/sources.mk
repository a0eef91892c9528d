# SPDX-License-Identifier: GPL-2.0
#
# The rule engine's sources: the one list that everything building them
# derives from. Kbuild (the module), kunit/Kbuild and kunit/Makefile (the
# KUnit module), the Makefile (the tools, MODULE_SOURCES and DKMS_SOURCES),
# tests/unit/run.sh and tests/fuzz/run.sh (through ldw_rule_sources in
# tests/lib.sh) read it. Paths are from the top of the tree.
#
# Plain make: variable assignments only, so that Kbuild can include it and a
# script can ask make for the list (no rule here may become a default goal).

LDW_RULE_SOURCES := \
	module/rule/match.c \
	module/rule/program.c \
	module/rule/build.c \
	module/rule/text.c \
	module/rule/anchors.c \
	module/rule/builtin_default.c \
	module/rule/builtin_companion.c

# What ships with the module's source besides them (make install, the
# ldwatch-dkms package): this list, and the engine's map.
LDW_RULE_FILES := $(LDW_RULE_SOURCES) module/rule/sources.mk module/rule/README.md
