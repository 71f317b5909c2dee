#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make soak: the soak selftest (selftests/tcpka.sh t_soak: 200 load/unload
# cycles of tcpka under connection churn and a mode=force setsockopt
# loop) in one VM per kernel: Debian's 6.12 and the KASAN/lockdep/kmemleak
# debug kernel (scripts/debug-kernel.sh). Not part of make check (about 15
# minutes on 6.12 and 40 on the debug kernel under TCG). TCPKA_SOAK picks
# the kernels ("6.12 debug" by default; also 6.1, 6.1-rt, debug-rt, ...).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

rc=0
for k in ${TCPKA_SOAK:-6.12 debug}; do
	case $k in
	debug | debug-rt)
		opt=
		[ "$k" = debug-rt ] && opt=--rt
		# shellcheck disable=SC2086
		out=$("$TCPKA_TOP/scripts/debug-kernel.sh" $opt)
		dbuild=$(sed -n 's/^build_dir=//p' <<<"$out" | tail -1)
		dimage=$(sed -n 's/^bzimage=//p' <<<"$out" | tail -1)
		ko=$("$TCPKA_TOP/scripts/build.sh" "$dbuild" | tail -1)
		"$TCPKA_TOP/scripts/vm-test.sh" --kernel "$dimage" \
			--modules /nonexistent --ko "$ko" --debug --only soak \
			--timeout 5400 || rc=1
		;;
	*)
		krel=$(krel_for "$k")
		fetch_kernel "$krel" >/dev/null
		ko=$("$TCPKA_TOP/scripts/build.sh" "$k" | tail -1)
		"$TCPKA_TOP/scripts/vm-test.sh" --kernel "$(kernel_image "$krel")" \
			--modules "$(kernel_modules "$krel")" --ko "$ko" \
			--only soak --timeout 3600 || rc=1
		;;
	esac
done
exit $rc
