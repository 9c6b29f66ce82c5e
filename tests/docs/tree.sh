# SPDX-License-Identifier: ISC
# A tree that stands on its own (sourced by tests/docs/run).
#
# alone_check: the tracked files, copied alone into an empty folder where
# no folder beside it exists (CI has none), build and pass the unit and
# mock layers there.  That is what CI's clean clone sees; a file the tests
# read from outside the tree, or one that was never added to git, fails
# here first.

alone_copy() {
	mkdir -p "$1" || return 1
	git ls-files -z >"$T/alone.files" 2>"$T/alone.err" || return 1
	# the tracked files as they are in the work tree (a clone of the
	# next commit); one deleted but not yet committed is left out
	tr '\0' '\n' <"$T/alone.files" | while IFS= read -r f; do
		[ -f "$f" ] && printf '%s\n' "$f"
	done | tar -cf - -T - | tar -C "$1" -xf -
}

# layer DIR NAME: the layer's own summary line in DIR says 0 failed
alone_layer_ok() {
	grep -Eq "^$2: [1-9][0-9]* passed, 0 failed" "$1/summary"
}

alone_check() {
	top=$T/alone/vncgate
	what="a copy of the tracked files alone in an empty folder"
	if ! alone_copy "$top"; then
		fail "$what: copied" "$(cat "$T/alone.err")"
		return
	fi
	check "$what: nothing beside it" test ! -e "$T/alone/shared"
	if ! (cd "$top" && make -j2 all) >"$T/alone.build" 2>&1; then
		fail "$what: make all" "$(tail -n 5 "$T/alone.build")"
		return
	fi
	ok "$what: make all"
	(cd "$top" && tests/run unit mock) >"$top/summary" 2>&1
	check "$what: the unit layer passes there" alone_layer_ok "$top" unit
	check "$what: the mock layer passes there" alone_layer_ok "$top" mock
	# the planners' folder beside the checkout; spelt in two parts so
	# that this line does not name it
	check "nothing in the tree names the folder beside it" \
	    sh -c '! git grep -qI "\.\./shar""ed" -- .'
}

# Every source file opens with its license, in its own comment syntax
# (after the #! line of a script).  Data (test cases, corpora, vectors,
# catalogues made by tools) and prose (*.md) are not source, nor are the
# Debian files whose format admits no comment where the line would go
# (debian/copyright states the license itself).
NOT_SOURCE='\.(md|json|pot)$|^tests/(golden/cases|fuzz/corpus)/|^LICENSE$'
NOT_SOURCE="$NOT_SOURCE|^\.gitignore$|^debian/(changelog|copyright|source/format)$"
spdx_missing() {
	git ls-files | grep -Ev "$NOT_SOURCE" |
	while IFS= read -r f; do
		[ -f "$f" ] || continue
		head -n 3 "$f" | grep -q 'SPDX-License-Identifier: ISC' ||
		    printf '%s\n' "$f"
	done
}

spdx_check() {
	spdx_missing >"$T/spdx.missing"
	check "every source file has an SPDX line at its top" \
	    test ! -s "$T/spdx.missing"
	[ -s "$T/spdx.missing" ] && sed 's/^/#   no SPDX line: /' "$T/spdx.missing"
	check "LICENSE is the ISC license" grep -q '^ISC License$' LICENSE
}
