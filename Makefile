# inquiryd - a mail daemon that drafts quotation replies to export inquiries.
#
#   make            build ./inquiryd
#   make check      install what is missing, build, run every test
#   make demo       install what is missing, run the main job on sample mail
#   make install    PREFIX=/usr/local DESTDIR= (binary, rules, templates,
#                   sample config, man page)
#   make bench | fuzz | soak   the long campaigns
#
# DEVELOPER=1 adds -Werror and stricter warnings.

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
DATADIR ?= $(PREFIX)/share/inquiryd
MANDIR ?= $(PREFIX)/share/man
SYSCONFDIR ?= /etc
DOCDIR ?= $(PREFIX)/share/doc/inquiryd

CC ?= cc
PKG_CONFIG ?= pkg-config
PKGS = libetpan libcurl libpcre2-8 sqlite3 xlsxwriter inih libxml-2.0 uchardet \
	libcares libpsl libidn2 jansson nettle gnutls

VERSION = 0.1.0
CFLAGS ?= -O2 -g
WARN = -Wall -Wextra
ifeq ($(DEVELOPER),1)
WARN += -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	-Wpointer-arith -Wformat=2 -Wno-format-nonliteral
endif
# Recursive (=) so that pkg-config runs after "make deps" has installed.
PKG_CFLAGS = $(shell $(PKG_CONFIG) --cflags $(PKGS))
PKG_LIBS = $(shell $(PKG_CONFIG) --libs $(PKGS))
ALL_CFLAGS = -std=c11 -D_GNU_SOURCE $(WARN) -Iinclude \
	-DINQUIRYD_VERSION='"$(VERSION)"' -DINQUIRYD_DATADIR='"$(DATADIR)"' $(PKG_CFLAGS) $(CFLAGS)
LIBS = $(PKG_LIBS) -lm

SAN_FLAGS = -fsanitize=address,undefined -fno-omit-frame-pointer \
	-fno-sanitize-recover=undefined

SRC := $(sort $(wildcard src/*.c))
LIB_SRC := $(filter-out src/main.c,$(SRC))
OBJ := $(SRC:src/%.c=build/obj/%.o)
LIB_OBJ := $(LIB_SRC:src/%.c=build/obj/%.o)
UT_OBJ := $(LIB_SRC:src/%.c=build/ut/%.o)
SAN_OBJ := $(LIB_SRC:src/%.c=build/san/%.o)
SAN_MAIN := build/san/main.o
UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=build/unit/%)
SAN_BIN := $(UNIT_SRC:tests/unit/%.c=build/unit-san/%)
FUZZ_SRC := $(sort $(wildcard tests/fuzz/fuzz_*.c))
# Defined before check-run names it: prerequisites expand when read.
REPLAY_BIN := $(FUZZ_SRC:tests/fuzz/%.c=build/replay/%)
BENCH_SRC := $(sort $(wildcard tests/bench/bench_*.c))
BENCH_BIN := $(BENCH_SRC:tests/bench/%.c=build/bench/%)

.PHONY: all deps deps-check deps-demo deps-bench deps-fuzz check check-run \
	unit demo bench fuzz soak install uninstall clean lint format

all: inquiryd

inquiryd: $(OBJ)
	$(CC) $(ALL_CFLAGS) -o $@ $(OBJ) $(LIBS)

build/obj/%.o: src/%.c $(wildcard include/*.h) | build/obj
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

# The unit-test build sees UNITTEST functions (util.h).
build/ut/%.o: src/%.c $(wildcard include/*.h) | build/ut
	$(CC) $(ALL_CFLAGS) -DINQUIRYD_UNITTEST -c -o $@ $<

build/san/%.o: src/%.c $(wildcard include/*.h) | build/san
	$(CC) $(ALL_CFLAGS) -DINQUIRYD_UNITTEST $(SAN_FLAGS) -c -o $@ $<

build/unit/%: tests/unit/%.c $(UT_OBJ) $(wildcard tests/unit/*.h) | build/unit
	$(CC) $(ALL_CFLAGS) -DINQUIRYD_UNITTEST -o $@ $< $(UT_OBJ) \
		$(LIBS) $(shell $(PKG_CONFIG) --libs cmocka)

build/unit-san/%: tests/unit/%.c $(SAN_OBJ) $(wildcard tests/unit/*.h) | build/unit-san
	$(CC) $(ALL_CFLAGS) -DINQUIRYD_UNITTEST $(SAN_FLAGS) -o $@ $< \
		$(SAN_OBJ) $(LIBS) $(shell $(PKG_CONFIG) --libs cmocka)

# inquiryd built with the sanitizers, for the fixture and hostile tests.
build/inquiryd-san: $(SAN_OBJ) $(SAN_MAIN)
	$(CC) $(ALL_CFLAGS) $(SAN_FLAGS) -o $@ $(SAN_OBJ) $(SAN_MAIN) $(LIBS)

# Test drivers over the library (tests/integration/*-driver.c): plain,
# and with the sanitizers for the tests.
DRIVER_SRC := $(sort $(wildcard tests/integration/*-driver.c))
DRIVER_BIN := $(DRIVER_SRC:tests/integration/%.c=build/%) \
	$(DRIVER_SRC:tests/integration/%.c=build/%-san)
build/%-driver: tests/integration/%-driver.c $(UT_OBJ) | build/obj
	$(CC) $(ALL_CFLAGS) -DINQUIRYD_UNITTEST -o $@ $< $(UT_OBJ) $(LIBS)
build/%-driver-san: tests/integration/%-driver.c $(SAN_OBJ) | build/obj
	$(CC) $(ALL_CFLAGS) -DINQUIRYD_UNITTEST $(SAN_FLAGS) -o $@ $< \
		$(SAN_OBJ) $(LIBS)

# Keep the objects of the unit, sanitizer and fuzz builds between runs.
.SECONDARY:

build/obj build/ut build/san build/unit build/unit-san build/fuzz build/bench:
	mkdir -p $@

# Benchmark programs link the library objects (tests/bench/bench_*.c).
build/bench/%: tests/bench/%.c $(LIB_OBJ) | build/bench
	$(CC) $(ALL_CFLAGS) -o $@ $< $(LIB_OBJ) $(LIBS)

unit: $(UNIT_BIN) $(SAN_BIN)

# Installs the Debian packages a task needs, saying what it installs.
deps:
	@contrib/install-deps build
deps-check:
	@contrib/install-deps check
deps-demo:
	@contrib/install-deps demo
deps-bench:
	@contrib/install-deps bench
deps-fuzz:
	@contrib/install-deps fuzz

check: deps-check
	@$(MAKE) --no-print-directory check-run

check-run: inquiryd $(UNIT_BIN) $(SAN_BIN) build/inquiryd-san $(DRIVER_BIN) \
	$(REPLAY_BIN)
	@tests/run

demo: deps-demo
	@$(MAKE) --no-print-directory inquiryd
	@contrib/demo

bench: deps-bench
	@$(MAKE) --no-print-directory inquiryd $(BENCH_BIN)
	@tests/bench/run

FUZZ_SECONDS ?= 60
fuzz: deps-fuzz
	@$(MAKE) --no-print-directory fuzz-build
	@tests/fuzz/run $(FUZZ_SECONDS)

FUZZ_CC ?= clang
FUZZ_OBJ := $(LIB_SRC:src/%.c=build/fuzz/%.o)
FUZZ_BIN := $(FUZZ_SRC:tests/fuzz/%.c=build/fuzz/%)
fuzz-build: $(FUZZ_BIN)
build/fuzz/%.o: src/%.c $(wildcard include/*.h) | build/fuzz
	$(FUZZ_CC) $(ALL_CFLAGS) -DINQUIRYD_UNITTEST -fsanitize=fuzzer-no-link,address,undefined -c -o $@ $<
build/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_OBJ) | build/fuzz
	$(FUZZ_CC) $(ALL_CFLAGS) -DINQUIRYD_UNITTEST -fsanitize=fuzzer,address,undefined -o $@ $< $(FUZZ_OBJ) $(LIBS)

# The fuzz targets replayed over their saved inputs (tests/data/fuzz-NAME/)
# by make check, built with CC and the sanitizers: no clang needed.
build/replay:
	mkdir -p $@
build/replay/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/replay.c $(SAN_OBJ) | build/replay
	$(CC) $(ALL_CFLAGS) -DINQUIRYD_UNITTEST $(SAN_FLAGS) -o $@ $< \
		tests/fuzz/replay.c $(SAN_OBJ) $(LIBS)

soak: deps-check
	@$(MAKE) --no-print-directory inquiryd
	@tests/soak/run

lint:
	@tests/lint/run

format:
	clang-format -i src/*.c include/*.h

install: inquiryd
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(DATADIR)/rules \
		$(DESTDIR)$(DATADIR)/templates $(DESTDIR)$(MANDIR)/man1 \
		$(DESTDIR)$(DOCDIR)
	install -m 755 inquiryd $(DESTDIR)$(BINDIR)/inquiryd
	cp -R rules/. $(DESTDIR)$(DATADIR)/rules/
	cp -R templates/. $(DESTDIR)$(DATADIR)/templates/
	install -m 644 contrib/inquiryd.conf.sample $(DESTDIR)$(DOCDIR)/inquiryd.conf.sample
	install -m 644 contrib/catalog.csv $(DESTDIR)$(DOCDIR)/catalog.csv.sample
	install -m 644 contrib/inquiryd.1 $(DESTDIR)$(MANDIR)/man1/inquiryd.1

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/inquiryd $(DESTDIR)$(MANDIR)/man1/inquiryd.1
	rm -rf $(DESTDIR)$(DATADIR) $(DESTDIR)$(DOCDIR)

clean:
	rm -rf build inquiryd
