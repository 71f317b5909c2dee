#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run tcpka's KUnit suites (kunit/) built into a UML kernel, with KASAN,
# lockdep and UBSAN, through the kernel's own tools/testing/kunit/kunit.py.
#
# usage: scripts/kunit.sh [kunit.py run arguments...]
#   e.g. scripts/kunit.sh 'tcpka_grammar*'     run one suite
#
# The linux-source-6.1 tree (lib.sh: linux_source) is a shared cache: the only
# changes made to it are a kunit_ext -> <this checkout>/kunit symlink and one
# guarded line in its top-level Kbuild. Objects go to
# $TCPKA_CACHE/kunit-6.1/um (kunit.py's --build_dir), so a re-run after an
# edit rebuilds only what changed. Exits non-zero on a failed, crashed or
# missing test, and on any BUG/WARNING/KASAN/UBSAN report in the kernel log.

set -euo pipefail
. "$(dirname "$0")/lib.sh"

KBUILD_LINE='obj-$(CONFIG_KUNIT) += $(if $(wildcard $(srctree)/kunit_ext/Kbuild),kunit_ext/)'

need_pkgs gcc make flex bison bc python3 libc6-dev
src=$(linux_source)
build=$TCPKA_CACHE/kunit-6.1/um
kunitconfig=$TCPKA_TOP/kunit/.kunitconfig
mkdir -p "$build"

# One kernel build at a time on this machine (debug-kernel.sh too); the
# build dir and the kunit_ext link are shared as well.
exec 9>"$TCPKA_CACHE/kernel-build.lock"
flock 9

ln -sfn "$TCPKA_TOP/kunit" "$src/kunit_ext"
grep -qxF "$KBUILD_LINE" "$src/Kbuild" || printf '%s\n' "$KBUILD_LINE" >>"$src/Kbuild"

log "KUnit on UML: $src (build dir $build)"
out=$build/kunit-run.out
tlog=$build/test.log
rm -f "$tlog"
rc=0
(cd "$src" && python3 tools/testing/kunit/kunit.py run --arch=um \
	--build_dir="$build" --kunitconfig="$kunitconfig" --jobs=2 \
	--kernel_args kasan.fault=panic "$@") 2>&1 | tee "$out" || rc=$?

fail=0
[ "$rc" -eq 0 ] || { log "kunit.py failed (exit $rc)"; fail=1; }

if [ ! -s "$tlog" ]; then
	log "no kernel log at $tlog"
	fail=1
else
	if grep -nE 'BUG:|WARNING:|UBSAN:|KASAN|Kernel panic|Oops' "$tlog" >&2; then
		log "kernel reported problems (above; full log $tlog)"
		fail=1
	fi
	# Without a filter, every suite declared in kunit/ must have run.
	if [ $# -eq 0 ]; then
		for suite in $(sed -n 's/^[[:space:]]*\.name = "\(tcpka_[a-z_]*\)",$/\1/p' \
			"$TCPKA_TOP"/kunit/*_kunit.c); do
			grep -q "# Subtest: $suite\$" "$tlog" ||
				{ log "suite $suite did not run"; fail=1; }
		done
	fi
fi
grep -qE 'Testing complete\. Ran [1-9][0-9]* tests' "$out" ||
	{ log "no test ran"; fail=1; }

[ "$fail" -eq 0 ] || die "KUnit failed"
log "KUnit passed"
