#!/bin/sh
# SPDX-License-Identifier: ISC
# Build the libFuzzer targets (tests/fuzz/fuzz_*.c) out of the tree:
#   tests/fuzz/build.sh [OUTDIR]      (default tests/out/fuzz)
# The lib/ sources are compiled again, with coverage and ASan + UBSan, into
# OUTDIR/obj (never into lib/*.o), then each target is linked with them.
# So are the shell/ and tools/ files a target may test alone (SHELL_FUZZ,
# TOOLS_FUZZ: no main(), nothing of the run's state), as obj/sh_NAME.o
# and obj/tl_NAME.o.
# The project's own CFLAGS come from the Makefile, less -Werror (clang
# warns where gcc does not) and the hardening that hides bugs from ASan.
# Objects are rebuilt only when their source or a lib/ header is newer.
# Needs clang with libFuzzer: Debian's libclang-rt-14-dev.
set -u
cd "$(dirname "$0")/../.." || exit 2
OUT=${1:-tests/out/fuzz}
CC=${FUZZ_CC:-clang}
JOBS=${FUZZ_JOBS:-$(nproc 2>/dev/null || echo 2)}
mkdir -p "$OUT/obj" || exit 2

mkvar() {
	printf 'vg-print-%%:\n\t@echo $($*)\n' | \
	    make -s --no-print-directory -f Makefile -f - "vg-print-$1"
}
PROJ=$(mkvar CFLAGS) || exit 2
LIBS=$(mkvar LDLIBS) || exit 2
FLAGS=
for f in $PROJ; do
	case "$f" in
	-Werror|-O2|-D_FORTIFY_SOURCE=*|-fstack-protector*) ;;
	*) FLAGS="$FLAGS $f" ;;
	esac
done
SAN="-g -O1 -fno-omit-frame-pointer -fno-sanitize-recover=all"
FLAGS="$FLAGS $SAN -fsanitize=fuzzer-no-link,address,undefined"
export CC FLAGS OUT

SHELL_FUZZ="shell/parse.c shell/i18n.c"
TOOLS_FUZZ="tools/syslog_line.c"

# obj/NAME.o for lib/NAME.c, obj/sh_NAME.o for shell/NAME.c, obj/tl_NAME.o
# for tools/NAME.c
obj_of() {
	case "$1" in
	shell/*) echo "$OUT/obj/sh_$(basename "$1" .c).o" ;;
	tools/*) echo "$OUT/obj/tl_$(basename "$1" .c).o" ;;
	*) echo "$OUT/obj/$(basename "$1" .c).o" ;;
	esac
}
src_of() {
	case "$(basename "$1")" in
	sh_*)	n=$(basename "$1" .o)
		case " $SHELL_FUZZ " in
		*" shell/${n#sh_}.c "*) echo "shell/${n#sh_}.c" ;;
		esac ;;
	tl_*)	n=$(basename "$1" .o)
		case " $TOOLS_FUZZ " in
		*" tools/${n#tl_}.c "*) echo "tools/${n#tl_}.c" ;;
		esac ;;
	*) echo "lib/$(basename "$1" .o).c" ;;
	esac
}

# Every object depends on all lib/ and shell/ headers, the flags and
# this script.
newest=$(ls -t lib/*.h shell/shell.h tools/*.h Makefile tests/fuzz/build.sh |
    head -1)
stale=
for src in lib/*.c $SHELL_FUZZ $TOOLS_FUZZ; do
	obj=$(obj_of "$src")
	if [ ! -f "$obj" ] || [ "$src" -nt "$obj" ] || [ "$newest" -nt "$obj" ]
	then
		stale="$stale $src"
	fi
done
# objects of sources that are gone would still be linked
for obj in "$OUT"/obj/*.o; do
	[ -f "$obj" ] || continue
	[ -f "$(src_of "$obj")" ] || rm -f "$obj"
done
if [ -n "$stale" ]; then
	# shellcheck disable=SC2016
	printf '%s\n' $stale | xargs -P "$JOBS" -I{} sh -c \
	    'case "$1" in shell/*) o=$OUT/obj/sh_$(basename "$1" .c).o ;;
	     tools/*) o=$OUT/obj/tl_$(basename "$1" .c).o ;;
	     *) o=$OUT/obj/$(basename "$1" .c).o ;; esac
	     $CC $FLAGS -c -o "$o.tmp" "$1" &&
	     mv "$o.tmp" "$o" || { rm -f "$o.tmp"; exit 1; }' sh {} || {
		echo "fuzz build: lib/, shell/ or tools/ does not compile" >&2
		exit 1; }
	rm -f "$OUT/libvg_fuzz.a"
fi
if [ ! -f "$OUT/libvg_fuzz.a" ]; then
	ar rcs "$OUT/libvg_fuzz.a" "$OUT"/obj/*.o || exit 1
fi

rc=0
for src in tests/fuzz/fuzz_*.c; do
	t=$(basename "$src" .c)
	bin=$OUT/$t
	if [ -f "$bin" ] && [ ! "$src" -nt "$bin" ] &&
	    [ ! tests/fuzz/fuzz.h -nt "$bin" ] &&
	    [ ! "$OUT/libvg_fuzz.a" -nt "$bin" ]; then
		continue
	fi
	# shellcheck disable=SC2086
	$CC $FLAGS -Werror -Itests/fuzz -Ishell -Itools \
	    -fsanitize=fuzzer,address,undefined \
	    -o "$bin" "$src" "$OUT/libvg_fuzz.a" $LIBS || {
		echo "fuzz build: $t failed" >&2; rm -f "$bin"; rc=1; }
done
exit $rc
