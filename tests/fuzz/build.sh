#!/bin/sh
# Build the libFuzzer targets (tests/fuzz/fuzz_*.c) out of the tree:
#   tests/fuzz/build.sh [OUTDIR]      (default tests/out/fuzz)
# The lib/ sources are compiled again, with coverage and ASan + UBSan, into
# OUTDIR/obj (never into lib/*.o), then each target is linked with them.
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

# Every object depends on all lib/ headers, the flags and this script.
newest=$(ls -t lib/*.h Makefile tests/fuzz/build.sh | head -1)
stale=
for src in lib/*.c; do
	obj=$OUT/obj/$(basename "$src" .c).o
	if [ ! -f "$obj" ] || [ "$src" -nt "$obj" ] || [ "$newest" -nt "$obj" ]
	then
		stale="$stale $src"
	fi
done
# objects of lib/ files that are gone would still be linked
for obj in "$OUT"/obj/*.o; do
	[ -f "$obj" ] || continue
	[ -f "lib/$(basename "$obj" .o).c" ] || rm -f "$obj"
done
if [ -n "$stale" ]; then
	# shellcheck disable=SC2016
	printf '%s\n' $stale | xargs -P "$JOBS" -I{} sh -c \
	    'o=$OUT/obj/$(basename "$1" .c).o; $CC $FLAGS -c -o "$o.tmp" "$1" &&
	     mv "$o.tmp" "$o" || { rm -f "$o.tmp"; exit 1; }' sh {} || {
		echo "fuzz build: lib/ does not compile" >&2; exit 1; }
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
	$CC $FLAGS -Werror -Itests/fuzz -fsanitize=fuzzer,address,undefined \
	    -o "$bin" "$src" "$OUT/libvg_fuzz.a" $LIBS || {
		echo "fuzz build: $t failed" >&2; rm -f "$bin"; rc=1; }
done
exit $rc
