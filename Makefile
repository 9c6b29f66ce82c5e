# SPDX-License-Identifier: ISC
# vncgate: see README.md.  `make check` is the test command.

VERSION    = 0.2.0
PREFIX    ?= /usr/local
SYSCONFDIR ?= /etc
DESTDIR   ?=

CC        ?= cc
PKGS       = libcurl libssl libcrypto libconfuse jansson libqrencode pam
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)

# The hardening flags.  lib/ is built -fPIC because the same objects go
# into pam_vncgate.so; programs are -fPIE -pie.  CPPFLAGS and LDFLAGS
# from the environment come on top (dpkg-buildflags', in make deb).
HARDEN   = -O2 -D_FORTIFY_SOURCE=2 -fstack-protector-strong
CFLAGS  ?=
CFLAGS  += -std=c11 -Wall -Wextra -Werror $(HARDEN) \
	   -D_DEFAULT_SOURCE -D_GNU_SOURCE \
	   -DVG_VERSION='"$(VERSION)"' -DSYSCONFDIR='"$(SYSCONFDIR)"' \
	   -DSBINDIR='"$(PREFIX)/sbin"' \
	   -DLOCALEDIR='"$(PREFIX)/share/locale"' \
	   -Ilib $(PKG_CFLAGS)
EXE_LDFLAGS = -fPIE -pie -Wl,-z,relro,-z,now
LDLIBS   = $(PKG_LIBS)

LIB_SRC   = $(sort $(wildcard lib/*.c))
LIB_OBJ   = $(LIB_SRC:.c=.o)
LIB       = lib/libvncgate.a
SHELL_SRC = $(sort $(wildcard shell/*.c))
SHELL_OBJ = $(SHELL_SRC:.c=.o)
SHELL_BIN = shell/vncgate-shell
TOOL_SRC  = $(sort $(wildcard tools/*.c))
TOOL_BIN  = $(if $(TOOL_SRC),tools/vncgate-audit)
PAM_SRC   = $(sort $(wildcard pam_module/*.c))
PAM_SO    = $(if $(PAM_SRC),pam_module/pam_vncgate.so)
UNIT_SRC  = $(sort $(wildcard tests/unit/test_*.c))
UNIT_BIN  = $(UNIT_SRC:.c=)
HEADERS   = $(wildcard lib/*.h shell/*.h pam_module/*.h tools/*.h)
MO        = po/zh_CN.mo po/locale/zh_CN/LC_MESSAGES/vncgate.mo
XGETTEXT_FLAGS = --language=C --from-code=UTF-8 --keyword=_ --keyword=N_ \
	    --keyword=P_:1,2 --add-comments=TRANSLATORS --sort-by-file \
	    --package-name=vncgate --package-version=$(VERSION)

# Debian packages: build, tests, the mock cloud and `make deb`.  `make
# deps` installs the missing ones as root, or prints the command.
DEPS = gcc make pkg-config libc6-dev \
       libcurl4-openssl-dev libssl-dev openssl libconfuse-dev \
       libjansson-dev libqrencode-dev libpam0g-dev \
       libcmocka-dev libpam-wrapper libpamtest0-dev \
       python3-minimal ca-certificates bsdutils \
       tmux zbar-tools groff-base gettext nftables iproute2 \
       openssh-server openssh-client passwd util-linux \
       clang libclang-rt-14-dev cppcheck valgrind procps locales curl gdb \
       tzdata rsyslog git debhelper dpkg-dev lintian adduser rsyslog-relp \
       libpam-oath oathtool qrencode logrotate

.PHONY: all check deps install clean unit demo bench fuzz mutate pot deb \
	srcsum

all: $(SHELL_BIN) $(TOOL_BIN) $(PAM_SO) $(UNIT_BIN) $(MO)

$(LIB): $(LIB_OBJ)
	rm -f $@
	ar rcs $@ $(LIB_OBJ)

lib/%.o: CFLAGS += -fPIC
shell/%.o tools/%.o: CFLAGS += -fPIE
pam_module/%.o: CFLAGS += -fPIC
# The paths and the version compiled into the binaries: a change
# rebuilds them, so `make PREFIX=... install` never installs a binary
# with stale paths, nor one that names the last version.
PATHS_STAMP = .build-paths
$(PATHS_STAMP): FORCE
	@echo "$(PREFIX) $(SYSCONFDIR) $(VERSION)" | cmp -s - $@ || \
	    echo "$(PREFIX) $(SYSCONFDIR) $(VERSION)" >$@
FORCE:

%.o: %.c $(HEADERS) $(PATHS_STAMP)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(SHELL_BIN): $(SHELL_OBJ) $(LIB)
	$(CC) $(CFLAGS) $(EXE_LDFLAGS) $(LDFLAGS) -o $@ $(SHELL_OBJ) $(LIB) \
	    $(LDLIBS)

$(TOOL_BIN): $(TOOL_SRC:.c=.o) $(LIB)
	$(CC) $(CFLAGS) $(EXE_LDFLAGS) $(LDFLAGS) -o $@ $(TOOL_SRC:.c=.o) \
	    $(LIB) $(LDLIBS)

# Only pam_sm_* leave the module (the version script).
$(PAM_SO): $(PAM_SRC:.c=.o) $(LIB) pam_module/pam_vncgate.map
	$(CC) $(CFLAGS) $(LDFLAGS) -shared -Wl,-z,relro,-z,now,-z,defs \
	    -Wl,--version-script=pam_module/pam_vncgate.map \
	    -o $@ $(PAM_SRC:.c=.o) $(LIB) $(LDLIBS)

# The zh_CN catalogue: po/zh_CN.mo is installed; the copy under
# po/locale/ is for the tests (VNCGATE_LOCALEDIR=$(CURDIR)/po/locale).
# `make pot` extracts the sentences marked _(), N_() and P_() again.
po/zh_CN.mo: po/zh_CN.po
	msgfmt --check --output-file=$@ $<

po/locale/zh_CN/LC_MESSAGES/vncgate.mo: po/zh_CN.mo
	mkdir -p $(@D) && cp po/zh_CN.mo $@

# POT: where to write it (tests/docs reads the sentences from a copy).
POT ?= po/vncgate.pot
pot:
	xgettext $(XGETTEXT_FLAGS) --output=$(POT) $(SHELL_SRC) $(LIB_SRC)

tests/unit/test_%: tests/unit/test_%.c tests/unit/unit.h tests/unit/mock.h \
    tests/unit/tzif.h $(LIB) $(HEADERS)
	$(CC) $(CFLAGS) -fPIE -Itests/unit $(EXE_LDFLAGS) $(UNIT_LDFLAGS) \
	    -o $@ $< $(LIB) $(LDLIBS) -lcmocka

# test_wipe looks at every block lib/ frees, through __wrap_free
tests/unit/test_wipe: UNIT_LDFLAGS = -Wl,--wrap=free

deps:
	@missing=""; for p in $(DEPS); do \
	    dpkg-query -W -f='$${Status}' $$p 2>/dev/null | \
	        grep -q 'ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -z "$$missing" ]; then echo "deps: all installed"; \
	elif [ "$$(id -u)" = 0 ]; then \
	    echo "deps: installing$$missing"; \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -q $$missing \
	    || { apt-get update -q && DEBIAN_FRONTEND=noninteractive \
	         apt-get install -y -q $$missing; }; \
	else echo "deps: run as root: apt-get install$$missing"; exit 1; fi

unit: $(UNIT_BIN)
	tests/run unit

check: deps
	$(MAKE) all
	tests/run

# Installation (DESIGN 1.1).  DESTDIR stages a package: files only, no
# group and no owners.  Run as root without DESTDIR, it also makes the
# group, the setgid shell and the state and log folders (STATEDIR and
# LOGDIR let tests install into a temporary root), as the package's
# postinst does, and rsyslog-gid.conf.  The sessions folder is 0750
# without the setgid bit (chmod 00750 clears the one it inherits):
# pam_vncgate writes the session records there as root, the shell only
# reads them.  Existing configs and the audit file are never overwritten;
# the access_key file is the admin's to create (vncgate.conf(5)).  The
# installed configs, examples and man pages name the paths of this
# installation.
STATEDIR  ?= /var/lib/vncgate
LOGDIR    ?= /var/log/vncgate
VG_GROUP   = vncgate
# PAMDIR: where libpam looks, from pam.pc (/lib/x86_64-linux-gnu on
# Debian), else from the multiarch triplet.
ifeq ($(origin PAMDIR),undefined)
PAM_LIBDIR := $(shell pkg-config --variable=libdir pam 2>/dev/null)
DEB_HOST_MULTIARCH ?= $(shell $(CC) -print-multiarch 2>/dev/null)
PAM_LIBDIR := $(or $(PAM_LIBDIR),/lib/$(DEB_HOST_MULTIARCH))
PAMDIR     := $(PAM_LIBDIR)/security
endif
MANDIR     = $(PREFIX)/share/man
EXAMPLEDIR = $(PREFIX)/share/doc/vncgate/examples
MOFILE     = $(PREFIX)/share/locale/zh_CN/LC_MESSAGES/vncgate.mo
MAN_PAGES  = man/vncgate-audit.1 man/vncgate.conf.5 man/vncgate-acl.5 \
	     man/vncgate-shell.8 man/pam_vncgate.8
# Configs, etc/FILE:$(SYSCONFDIR)/PATH, never overwritten; logrotate's
# file once etc/ has it.  The shell's PAM service (pam_service, default
# "vncgate") is one of them: without /etc/pam.d/vncgate libpam would
# quietly run the "other" stack instead of the one shipped.
CONFIGS    = vncgate.conf:vncgate/vncgate.conf acl.conf:vncgate/acl.conf \
	     pam.d/vncgate:pam.d/vncgate \
	     $(if $(wildcard etc/logrotate.d/vncgate), \
	         logrotate.d/vncgate:logrotate.d/vncgate)
EXAMPLES   = pam.d/vncgate pam.d/sshd-vncgate.example \
	     sshd_config.d/vncgate.conf rsyslog.d/vncgate.conf \
	     rsyslog.d/vncgate-collector.conf alert-webhook.conf \
	     nftables/vncgate-imds.nft
# rsyslog's omprog runs it (the alerts example of rsyslog.d/vncgate.conf)
HELPERDIR  = $(PREFIX)/lib/vncgate
# The number of the group vncgate on this host, for rsyslog.d/vncgate.conf
# (a conffile, the same on every host); made again on each install.
GID_CONF   = $(SYSCONFDIR)/vncgate/rsyslog-gid.conf
# The default paths in the sources, rewritten to this installation's.
# $(call inst_dir,FROM,TO): FROM only where a path ends or goes on with
# a '/' (or a quote, a space...), so /var/log/vncgate.log stays.
inst_dir   = -e 's|$(1)\([^-._A-Za-z0-9]\)|$(2)\1|g' -e 's|$(1)$$|$(2)|'
INST_SED   = sed -e 's|/usr/local/|$(PREFIX)/|g' \
	     -e 's|/lib/x86_64-linux-gnu/security/|$(PAMDIR)/|g' \
	     $(call inst_dir,/etc/vncgate,$(SYSCONFDIR)/vncgate) \
	     $(call inst_dir,/var/lib/vncgate,$(STATEDIR)) \
	     $(call inst_dir,/var/log/vncgate,$(LOGDIR))

install: all
	install -d $(DESTDIR)$(PREFIX)/sbin $(DESTDIR)$(PREFIX)/bin \
	    $(DESTDIR)$(PAMDIR) $(DESTDIR)$(SYSCONFDIR)/vncgate \
	    $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 \
	    $(DESTDIR)$(MANDIR)/man8
	install -m 0755 $(SHELL_BIN) $(DESTDIR)$(PREFIX)/sbin/vncgate-shell
	$(if $(TOOL_BIN),install -m 0755 $(TOOL_BIN) \
	    $(DESTDIR)$(PREFIX)/bin/vncgate-audit)
	$(if $(PAM_SO),install -m 0644 $(PAM_SO) \
	    $(DESTDIR)$(PAMDIR)/pam_vncgate.so)
	for f in $(MAN_PAGES); do \
	    $(INST_SED) $$f >$(DESTDIR)$(MANDIR)/man$${f##*.}/$${f#man/} && \
	    chmod 0644 $(DESTDIR)$(MANDIR)/man$${f##*.}/$${f#man/} || exit 1; \
	done
	for c in $(CONFIGS); do \
	    t=$(DESTDIR)$(SYSCONFDIR)/$${c#*:}; \
	    [ -e $$t ] && { echo "install: kept $$t"; continue; }; \
	    install -d $${t%/*} && \
	    $(INST_SED) etc/$${c%%:*} >$$t.new && chmod 0644 $$t.new && \
	    mv $$t.new $$t || exit 1; \
	done
	for f in vncgate.conf acl.conf $(EXAMPLES); do \
	    t=$(DESTDIR)$(EXAMPLEDIR)/$$f; \
	    install -d $${t%/*} && $(INST_SED) etc/$$f >$$t && \
	    chmod 0644 $$t || exit 1; \
	done
	install -d $(DESTDIR)$(HELPERDIR)
	$(INST_SED) etc/vncgate-alert-webhook \
	    >$(DESTDIR)$(HELPERDIR)/vncgate-alert-webhook
	chmod 0755 $(DESTDIR)$(HELPERDIR)/vncgate-alert-webhook
	if [ -f po/zh_CN.mo ]; then \
	    install -d $(DESTDIR)$(dir $(MOFILE)) && \
	    install -m 0644 po/zh_CN.mo $(DESTDIR)$(MOFILE); fi
	@if [ -n "$(DESTDIR)" ] || [ "$$(id -u)" != 0 ]; then \
	    echo "install: as root without DESTDIR, install also makes the" \
	        "group $(VG_GROUP), the setgid shell, $(STATEDIR) and" \
	        "$(LOGDIR)"; exit 0; fi; \
	set -ex; \
	getent group $(VG_GROUP) >/dev/null || groupadd --system $(VG_GROUP); \
	chown root:$(VG_GROUP) $(PREFIX)/sbin/vncgate-shell; \
	chmod 2755 $(PREFIX)/sbin/vncgate-shell; \
	install -d -o root -g $(VG_GROUP) -m 2770 $(STATEDIR) $(LOGDIR); \
	install -d -o root -g $(VG_GROUP) -m 0750 $(STATEDIR)/sessions; \
	chmod 00750 $(STATEDIR)/sessions; \
	[ -e $(LOGDIR)/audit.log ] || install -o root -g $(VG_GROUP) \
	    -m 0660 /dev/null $(LOGDIR)/audit.log; \
	gid=$$(getent group $(VG_GROUP) | cut -d: -f3); \
	printf '%s\n' "# made by make install: the number of the group" \
	    "# $(VG_GROUP) here, for rsyslog.d/vncgate.conf" \
	    "set \$$.vncgate_gid = \"$$gid\";" >$(GID_CONF).new; \
	chmod 0644 $(GID_CONF).new; \
	mv $(GID_CONF).new $(GID_CONF)

# Programs, module, man pages, examples and the catalogue; configs (and
# logrotate's), the access key, state, logs and the group stay.
uninstall:
	rm -f $(DESTDIR)$(PREFIX)/sbin/vncgate-shell \
	    $(DESTDIR)$(PREFIX)/bin/vncgate-audit \
	    $(DESTDIR)$(PAMDIR)/pam_vncgate.so $(DESTDIR)$(MOFILE) \
	    $(DESTDIR)$(HELPERDIR)/vncgate-alert-webhook
	rmdir $(DESTDIR)$(HELPERDIR) 2>/dev/null || true
	for f in $(MAN_PAGES); do \
	    rm -f $(DESTDIR)$(MANDIR)/man$${f##*.}/$${f#man/}; done
	rm -rf $(DESTDIR)$(EXAMPLEDIR)
	rmdir $(DESTDIR)$(PREFIX)/share/doc/vncgate 2>/dev/null || true

.PHONY: uninstall

# The Debian package (DESIGN 1.13, debian/): dist/vncgate_VERSION_ARCH.deb.
# Built from a copy of the tree (git's files, tracked and new, less the
# ignored ones), so the build tree's objects, made for PREFIX=/usr/local,
# are neither used nor touched.  VERSION and debian/changelog agree.
# Next to the package, DEB.src holds the SHA-256 of that copy (a tar of
# the files, SRC_TAR), which `make -s srcsum` prints for the tree as it
# is now: a test may reuse the package only when the two agree.
SRC_TAR = git ls-files -co --exclude-standard | while IFS= read -r f; do \
	    [ -e "$$f" ] && printf '%s\n' "$$f"; done | \
	    tar -cf - --no-recursion -T -
srcsum:
	@set -e; $(SRC_TAR) | sha256sum | cut -d' ' -f1

deb: deps
	@v=$$(dpkg-parsechangelog -S Version) && [ "$$v" = "$(VERSION)" ] || \
	    { echo "deb: debian/changelog is at $$v, VERSION is $(VERSION)"; \
	      exit 1; }
	@git rev-parse --git-dir >/dev/null 2>&1 || \
	    { echo "deb: not a git tree (the copy is git's list of files)"; \
	      exit 1; }
	@set -e; b=$$(mktemp -d "$${TMPDIR:-/tmp}/vncgate-deb.XXXXXX"); \
	trap 'rm -rf "$$b"' EXIT; src=$$b/vncgate-$(VERSION); mkdir "$$src"; \
	deb=dist/vncgate_$(VERSION)_$$(dpkg --print-architecture).deb; \
	rm -f "$$deb.src"; \
	$(SRC_TAR) >"$$b/src.tar"; tar -C "$$src" -xf "$$b/src.tar"; \
	sum=$$(sha256sum <"$$b/src.tar" | cut -d' ' -f1); \
	(cd "$$src" && dpkg-buildpackage -us -uc -b -J2); \
	mkdir -p dist; cp "$$b"/*.deb dist/; echo "$$sum" >"$$deb.src"; \
	echo "deb: $$deb"

demo: deps all
	tests/demo/run

bench: deps all
	bench/run

# The fuzzers for longer than make check's 10 s each (FUZZ_SECONDS).
fuzz: deps all
	FUZZ_SECONDS=$${FUZZ_SECONDS:-300} tests/run fuzz

# Does the suite catch deliberate mistakes?  Each mutant of
# tests/mutants/list, or only those named in MUTANTS, on a copy of the
# tree (tests/mutants/README.md).  Too slow for make check, which runs
# two of them (tests/mutate).
mutate: deps all
	tests/mutants/mutate $(MUTANTS)

clean:
	rm -f lib/*.o lib/*.a shell/*.o tools/*.o pam_module/*.o \
	    pam_module/*.so $(SHELL_BIN) $(TOOL_BIN) $(UNIT_BIN)
	rm -f po/*.mo
	rm -rf tests/out .build-paths po/locale dist
