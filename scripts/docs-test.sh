#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The documentation against the code: man pages lint-clean (mandoc -T lint),
# and every name the module defines (counters, policy keys, sysctls, module
# parameters, /proc files, tracepoints, outcomes) is documented in
# README.md and tcpka(7), every counter has a Prometheus help text in
# tcpkactl, and the version is the same in VERSION, debian/changelog and the
# man pages. The names are read from the module's own tables, so a name
# added there and not documented fails here.
# Prints "ok - NAME" / "not ok - NAME"; exit 1 on any failure.
set -uo pipefail
. "$(dirname "$0")/lib.sh"
need_pkgs mandoc dpkg-dev
top=$TCPKA_TOP
rc=0
ok() { echo "ok - $1"; }
not_ok() { echo "not ok - $1"; rc=1; }
t() {
	local name=$1
	shift
	if "$@"; then ok "$name"; else not_ok "$name"; fi
}

for m in "$top"/docs/man/*.[78]; do
	out=$(mandoc -T lint -W warning "$m" 2>&1)
	t "mandoc -T lint $(basename "$m")${out:+: $out}" test -z "$out"
done

# names KIND: the names of one kind, from the module's sources.
names() {
	case $1 in
	counter) sed -n 's/^\t\[TCPKA_MIB_[A-Z_]*\][\t ]*= "\([a-z_]*\)",$/\1/p' "$top/module/format.c" ;;
	key) sed -n 's/^\t\[TCPKA_KEY_[A-Z_]*\][\t ]*= { "\([a-z_]*\)",.*/\1/p' "$top/module/grammar.c" ;;
	sysctl) sed -n 's/^\tTCPKA_SYSCTL_\(BOOL\|INT\)("\([a-z_]*\)".*),$/\2/p' "$top/module/netns.c" ;;
	param) sed -n 's/^module_param\(_cb\)\?(\([a-z_]*\),.*/\2/p' "$top"/module/*.c ;;
	proc) sed -n 's/.*proc_create[a-z_]*("\([a-z_]*\)".*/\1/p' "$top"/module/*.c ;;
	tracepoint) sed -n 's/^TRACE_EVENT(\([a-z_]*\),$/\1/p' "$top/include/tcpka_trace.h" ;;
	outcome) sed -n 's/^\t\[TCPKA_OUT_[A-Z_]*\][\t ]*= "\([a-z_]*\)",$/\1/p' "$top/module/classify.c" |
		grep -vx none ;;
	esac
}

# A name is documented where it is written as a name, not merely as a word
# ("enabled", "idle", "ack" are words of every paragraph): in Markdown in a
# code span, in bold, in a heading or at the start of a line of a code
# block (the stats file); in a man page on a font macro's line (.B, .BR,
# .I, .TP's tag...), in \fB...\fP or \fI...\fP, or at the start of a line
# of an example. A prefix (net.tcpka., /proc/net/tcpka/) or a suffix
# (=VALUE) may go with it, not other letters (outcome_ack is not ack).
documented_md() {
	local w="([^a-z0-9_]|\$)" b="(^|[^a-z0-9_])"
	grep -qE -- "\`([^\`]*[^a-z0-9_\`])?$1([^a-z0-9_\`][^\`]*)?\`|\\*\\*$1\\*\\*|^#+ .*$b$1$w|^$1([ =]|\$)" "$2"
}
documented_man() {
	local w="([^a-z0-9_]|\$)"
	grep -qE -- "^\.(B|BR|RB|BI|IB|I|IR|RI)(.*[^a-z0-9_])?$1$w|\\\\f[BI]([^\\\\]*[^a-z0-9_\\\\])?$1$w|^$1([ =]|\$)" "$2"
}

declare -A want=([counter]=17 [key]=6 [sysctl]=4 [param]=9 [proc]=8 [tracepoint]=2 [outcome]=7)
for kind in counter key sysctl param proc tracepoint outcome; do
	n=$(names $kind | wc -l)
	# A parser that finds nothing would make every check below pass.
	t "$kind names read from the sources: $n (expected ${want[$kind]})" test "$n" -eq "${want[$kind]}"
	for name in $(names $kind); do
		t "$kind $name in README.md" documented_md "$name" "$top/README.md"
		t "$kind $name in docs/man/tcpka.7" documented_man "$name" "$top/docs/man/tcpka.7"
	done
done
for name in $(names counter); do
	t "counter $name has a Prometheus help text in tcpkactl" \
		grep -qE "(help|gauge)\[\"$name\"\]" "$top/scripts/tcpkactl"
done
for name in $(names counter); do
	t "counter $name in /proc/net/tcpka/stats of README" \
		grep -qx "$name [0-9]*" "$top/README.md"
done

ver=$(cat "$top/VERSION")
t "debian/changelog starts at VERSION ($ver)" \
	test "$(dpkg-parsechangelog -l "$top/debian/changelog" -S Version)" = "$ver"
for m in "$top"/docs/man/*.[78]; do
	t "$(basename "$m") says tcpka $ver" grep -q "^\.TH .* \"tcpka $ver\"" "$m"
done
t "dkms.conf takes the version from the package" \
	grep -qx 'PACKAGE_VERSION="#MODULE_VERSION#"' "$top/dkms.conf"
exit $rc
