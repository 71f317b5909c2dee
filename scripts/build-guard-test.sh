#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# A build against a kernel tree whose struct inet_connection_sock has no
# icsk_keepalive_timer must fail, with tcpka's own message, and build
# nothing: tcpka has no fallback that could guess the timer's place wrong.
# The tree is Debian's 6.1 headers, hard-linked into a temporary directory
# with that one header changed. Prints TAP-style "ok"/"not ok" lines.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

krel=$(krel_for 6.1)
fetch_kernel "$krel" >/dev/null
# Hard links need the same file system as the cache.
tmp=$(mktemp -d "$TCPKA_CACHE/guard.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
cp -al "$TCPKA_CACHE/k-$krel/root" "$tmp/root"
hdr=$tmp/root/usr/src/linux-headers-${krel%-amd64}-common/include/net/inet_connection_sock.h
# sed -i writes a new file: the cached tree keeps its own.
sed -i 's/icsk_keepalive_timer/icsk_other_timer/g' "$hdr"
sed -i "s|$TCPKA_CACHE/k-$krel/root|$tmp/root|" \
	"$tmp/root/usr/src/linux-headers-$krel/Makefile"
mkdir -p "$tmp/src"
cp -r "$TCPKA_TOP/Kbuild" "$TCPKA_TOP/module" "$TCPKA_TOP/include" "$tmp/src/"

fails=0
t() { if eval "$2"; then echo "ok - $1"; else echo "not ok - $1"; fails=1; fi; }
make -C "$tmp/root/usr/src/linux-headers-$krel" M="$tmp/src" modules \
	>"$tmp/log" 2>&1
rc=$?
sed 's/^/# /' "$tmp/log" | tail -5
t "build without icsk_keepalive_timer fails" '[ $rc -ne 0 ]'
t "with tcpka's message naming the field" \
	'grep -q "tcpka: this kernel has no icsk_keepalive_timer" "$tmp/log"'
t "and no tcpka.ko" '[ ! -e "$tmp/src/tcpka.ko" ]'
t "the cached tree is untouched" 'grep -q icsk_keepalive_timer \
	"$TCPKA_CACHE/k-$krel/root/usr/src/linux-headers-${krel%-amd64}-common/include/net/inet_connection_sock.h"'
exit $fails
