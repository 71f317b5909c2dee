#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build tcpka.ko for one target kernel, warnings as errors, and the
# selftests' tcpka_ksock.ko beside it (build/<target>/ksock/).
#   scripts/build.sh 6.1|6.12|6.1-rt|6.1-cloud|6.12-rt|6.12-cloud|KDIR [make args...]
# An M= build writes objects beside the sources, so each target builds
# from its own copy of the tree under build/<target>/. Prints the .ko path
# on its last line.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

target=${1:?usage: build.sh 6.1|6.12|6.1-rt|6.1-cloud|6.12-rt|6.12-cloud|KDIR [make args]}
shift
case $target in
6.1 | 6.12 | 6.1-rt | 6.1-cloud | 6.12-rt | 6.12-cloud)
	krel=$(krel_for "$target")
	kdir=$(fetch_kernel "$krel")
	name=$krel
	;;
*)
	kdir=$target
	[ -e "$kdir/Makefile" ] || die "no kernel build tree at $kdir"
	name=$(basename "$kdir")
	;;
esac
# pahole: Debian's linux-kbuild depends on it (6.12 makes BTF for modules).
need_pkgs make gcc rsync pahole

out=$TCPKA_TOP/build/$name
mkdir -p "$out"
rsync -a --delete --exclude .git --exclude build --exclude '*.o' \
	--exclude '*.ko' --exclude '.*.cmd' "$TCPKA_TOP/Kbuild" \
	"$TCPKA_TOP/module" "$TCPKA_TOP/include" "$out/src/"
log "building tcpka.ko against $name"
make -C "$kdir" M="$out/src" W=1 KCFLAGS=-Werror "$@" modules \
	>"$out/build.log" 2>&1 || { cat "$out/build.log" >&2; die "build failed for $name"; }
grep -E 'warning|error' "$out/build.log" >&2 || true
# The selftests' kernel-socket module, beside it (never installed).
rsync -a --delete "$TCPKA_TOP/selftests/ksock/" "$out/ksock/"
make -C "$kdir" M="$out/ksock" W=1 KCFLAGS=-Werror "$@" modules \
	>"$out/ksock.log" 2>&1 || { cat "$out/ksock.log" >&2; die "tcpka_ksock build failed for $name"; }
echo "$out/src/tcpka.ko"
