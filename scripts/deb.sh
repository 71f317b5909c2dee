#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make deb: the Debian packages tcpka-dkms and tcpka-tools, built with
# dpkg-buildpackage -b from a clean copy of the tree (no build/, no .git),
# then checked by lintian (no error, no warning). The .deb files and the
# lintian report end up in build/deb/.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
need_pkgs build-essential dpkg-dev debhelper dh-dkms lintian rsync
ver=$(cat "$TCPKA_TOP/VERSION")
out=$TCPKA_TOP/build/deb
rm -rf "$out"
mkdir -p "$out/src"
src=$out/src/tcpka-$ver
rsync -a --exclude .git --exclude build --exclude '*.o' --exclude '*.ko' \
	"$TCPKA_TOP/" "$src/"
log "dpkg-buildpackage -b in $src"
(cd "$src" && dpkg-buildpackage -b -us -uc) >"$out/build.log" 2>&1 ||
	{ tail -30 "$out/build.log" >&2; die "dpkg-buildpackage failed (log: $out/build.log)"; }
mv "$out"/src/*.deb "$out"/src/*.buildinfo "$out"/src/*.changes "$out/"
log "lintian"
# --fail-on error,warning: a warning fails the build as an error does.
lintian --fail-on error,warning --display-info "$out"/*.changes \
	>"$out/lintian.log" 2>&1 || { cat "$out/lintian.log" >&2; die "lintian"; }
cat "$out/lintian.log"
ls "$out"/*.deb
