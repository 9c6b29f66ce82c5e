# vncgate: see README.md.  `make check` is the test command.

VERSION    = 0.1.0
PREFIX    ?= /usr/local
SYSCONFDIR ?= /etc
DESTDIR   ?=

CC        ?= cc
PKGS       = libcurl libcrypto libconfuse jansson libqrencode pam
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)

# The hardening flags.  lib/ is built -fPIC because the same objects go
# into pam_vncgate.so; programs are -fPIE -pie.
HARDEN   = -O2 -D_FORTIFY_SOURCE=2 -fstack-protector-strong
CFLAGS  ?=
CFLAGS  += -std=c11 -Wall -Wextra -Werror $(HARDEN) \
	   -D_DEFAULT_SOURCE -D_GNU_SOURCE \
	   -DVG_VERSION='"$(VERSION)"' -DSYSCONFDIR='"$(SYSCONFDIR)"' \
	   -DSBINDIR='"$(PREFIX)/sbin"' \
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
HEADERS   = $(wildcard lib/*.h shell/*.h)

# Debian packages: build, tests and the mock cloud.  `make deps` installs
# the missing ones as root, or prints the command.
DEPS = gcc make pkg-config libc6-dev \
       libcurl4-openssl-dev libssl-dev openssl libconfuse-dev \
       libjansson-dev libqrencode-dev libpam0g-dev \
       libcmocka-dev libpam-wrapper libpamtest0-dev \
       python3-minimal ca-certificates bsdutils \
       tmux zbar-tools groff-base gettext

.PHONY: all check deps install clean unit demo bench

all: $(SHELL_BIN) $(TOOL_BIN) $(PAM_SO) $(UNIT_BIN)

$(LIB): $(LIB_OBJ)
	rm -f $@
	ar rcs $@ $(LIB_OBJ)

lib/%.o: CFLAGS += -fPIC
shell/%.o tools/%.o: CFLAGS += -fPIE
pam_module/%.o: CFLAGS += -fPIC
%.o: %.c $(HEADERS)
	$(CC) $(CFLAGS) -c -o $@ $<

$(SHELL_BIN): $(SHELL_OBJ) $(LIB)
	$(CC) $(CFLAGS) $(EXE_LDFLAGS) -o $@ $(SHELL_OBJ) $(LIB) $(LDLIBS)

$(TOOL_BIN): $(TOOL_SRC:.c=.o) $(LIB)
	$(CC) $(CFLAGS) $(EXE_LDFLAGS) -o $@ $(TOOL_SRC:.c=.o) $(LIB) $(LDLIBS)

# Only pam_sm_* leave the module (the version script).
$(PAM_SO): $(PAM_SRC:.c=.o) $(LIB) pam_module/pam_vncgate.map
	$(CC) $(CFLAGS) -shared -Wl,-z,relro,-z,now,-z,defs \
	    -Wl,--version-script=pam_module/pam_vncgate.map \
	    -o $@ $(PAM_SRC:.c=.o) $(LIB) $(LDLIBS)

tests/unit/test_%: tests/unit/test_%.c tests/unit/unit.h $(LIB) $(HEADERS)
	$(CC) $(CFLAGS) -fPIE -Itests/unit $(EXE_LDFLAGS) -o $@ $< $(LIB) \
	    $(LDLIBS) -lcmocka

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

install: all
	install -d $(DESTDIR)$(PREFIX)/sbin $(DESTDIR)$(SYSCONFDIR)/vncgate
	install -m 0755 $(SHELL_BIN) $(DESTDIR)$(PREFIX)/sbin/vncgate-shell
	for f in vncgate.conf acl.conf; do \
	    [ -e $(DESTDIR)$(SYSCONFDIR)/vncgate/$$f ] || \
	    install -m 0644 etc/$$f $(DESTDIR)$(SYSCONFDIR)/vncgate/$$f; \
	done

demo: deps all
	tests/demo/run

bench: deps all
	bench/run

clean:
	rm -f lib/*.o lib/*.a shell/*.o tools/*.o pam_module/*.o \
	    pam_module/*.so $(SHELL_BIN) $(TOOL_BIN) $(UNIT_BIN)
	rm -rf tests/out
