#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The DKMS packaging, without touching the host's DKMS tree or modules:
# the sources "make dkms-install" would put in /usr/src (make dkms-source),
# dkms add and build into a temporary tree, against Debian's 6.1 and 6.12
# headers from the cache. Prints "ok - NAME" / "not ok - NAME" lines.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

need_pkgs dkms make gcc kmod
ver=$(cat "$TCPKA_TOP/VERSION")
tmp=$(mktemp -d /tmp/tcpka-dkms.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
check_log=$tmp/log
t() { check_t "$@"; }

src=$tmp/src/tcpka-$ver
tree=$tmp/tree
mkdir -p "$tree"
t "make dkms-source" make -s -C "$TCPKA_TOP" dkms-source DKMS_SRC="$src"
t "dkms.conf version is VERSION's ($ver)" \
	grep -qx "PACKAGE_VERSION=\"$ver\"" "$src/dkms.conf"
t "dkms add" dkms add --dkmstree "$tree" --sourcetree "$tmp/src" -m tcpka -v "$ver"
for series in 6.1 6.12; do
	krel=$(krel_for "$series")
	kdir=$(fetch_kernel "$krel")
	t "dkms build $krel" dkms build --dkmstree "$tree" --sourcetree "$tmp/src" \
		-m tcpka -v "$ver" -k "$krel" --kernelsourcedir "$kdir"
	ko=$(find "$tree/tcpka/$ver/$krel" -name 'tcpka.ko*' 2>/dev/null | head -1)
	t "dkms module for $krel has vermagic $krel" \
		sh -c "modinfo -F vermagic '$ko' | grep -q '^$krel '"
done
exit $check_rc
