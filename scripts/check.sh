#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make check: every test tcpka has, on a fresh Debian 12 machine.
#   - tcpka.ko built with warnings as errors for Debian's 6.1 and 6.12,
#     each as generic, cloud and rt (PREEMPT_RT) flavour, newest of each
#   - a tree without icsk_keepalive_timer fails the build with a message
#   - checkpatch.pl --strict on every source file
#   - sparse (C=2, warnings fatal) for both kernels
#   - KUnit suites on UML (linux-source-6.1)
#   - VM selftests on Debian's 6.1 and 6.12 kernels under QEMU, and on
#     6.1's rt and 6.12's cloud flavour
#   - the same selftests on a KASAN/lockdep/kmemleak debug kernel
#   - tcpkactl against fake /proc trees under bash, dash and busybox sh
#   - DKMS: make dkms-source built by dkms for both kernels (temporary tree)
#   - docs: man pages lint-clean, every name of the module documented
#   - deb: make deb (lintian-clean), installed with apt, DKMS builds the
#     module for Debian's 6.1 kernel, that .ko in the VM, purged
# Each step's output goes to build/check/<step>.log. Ends with one line
# "N passed, N failed" and exits non-zero on any failure.
# TCPKA_CHECK_ONLY="build sparse checkpatch kunit vm debug tcpkactl dkms docs deb"
# picks steps.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

logs=$TCPKA_TOP/build/check
mkdir -p "$logs"
only=${TCPKA_CHECK_ONLY:-build sparse checkpatch kunit vm debug tcpkactl dkms docs deb}
passed=0
failed=0

want() { [[ " $only " == *" $1 "* ]]; }

ok() { passed=$((passed + 1)); echo "ok - $1"; }
not_ok() { failed=$((failed + 1)); echo "not ok - $1"; }

# step NAME CMD...: one test, passed when CMD exits 0.
step() {
	local name=$1 log=$logs/$1.log
	shift
	log "$name"
	if "$@" >"$log" 2>&1; then
		ok "$name"
	else
		not_ok "$name (see $log)"
		tail -25 "$log" | sed 's/^/    /'
	fi
}

# count NAME LOG: add the "ok NAME" / "not ok NAME" lines a runner printed
# (or TAP's "ok - NAME").
count() {
	local prefix=$1 log=$2 line l
	while IFS= read -r line; do
		case $line in
		"ok "*) l=${line#ok }; ok "$prefix: ${l#- }" ;;
		"not ok "*) l=${line#not ok }; not_ok "$prefix: ${l#- }" ;;
		esac
	done < <(tr -d '\r' <"$log")
}

need_pkgs make gcc libc6-dev rsync sparse qemu-system-x86 busybox-static \
	cpio iproute2 bc flex bison libelf-dev libssl-dev python3 xz-utils \
	kmod dpkg-dev linux-source-6.1

# tcpkactl first: seconds, and no kernel needed.
# counted PREFIX LOGNAME CMD...: a runner that prints its own "ok"/"not ok"
# lines, each counted as PREFIX: NAME; its failing exit is one more.
counted() {
	local prefix=$1 log=$logs/$2.log
	shift 2
	log "$prefix"
	if "$@" >"$log" 2>&1; then
		count "$prefix" "$log"
	else
		count "$prefix" "$log"
		not_ok "$prefix (see $log)"
		tail -25 "$log" | sed 's/^/    /'
	fi
}

want tcpkactl && counted tcpkactl tcpkactl "$TCPKA_TOP/scripts/tcpkactl-test.sh"
want docs && counted docs docs "$TCPKA_TOP/scripts/docs-test.sh"

flavours="6.1 6.12 6.1-rt 6.1-cloud 6.12-rt 6.12-cloud"
declare -A krel
for series in $flavours; do
	krel[$series]=$(krel_for "$series")
done

if want build; then
	for series in $flavours; do
		step "build-${krel[$series]}" "$TCPKA_TOP/scripts/build.sh" "$series"
	done
fi

# A tree without icsk_keepalive_timer stops the build with a message.
want build && counted build-guard build-guard "$TCPKA_TOP/scripts/build-guard-test.sh"

if want checkpatch; then
	src=$(linux_source)
	checkpatch() {
		local f rc=0
		for f in $(cd "$TCPKA_TOP" && git ls-files -- '*.c' '*.h' ||
			   find module include kunit selftests -name '*.[ch]'); do
			"$src/scripts/checkpatch.pl" --no-tree --strict --terse \
				--show-types -f "$TCPKA_TOP/$f" || rc=1
		done
		return $rc
	}
	step checkpatch checkpatch
fi

if want sparse; then
	for series in 6.1 6.12; do
		step "sparse-${krel[$series]}" "$TCPKA_TOP/scripts/build.sh" \
			"$series" C=2 CHECK="sparse -Wsparse-error"
	done
fi

if want kunit; then
	log kunit
	"$TCPKA_TOP/scripts/kunit.sh" >"$logs/kunit.log" 2>&1
	rc=$?
	# kunit.py: "Testing complete. Ran N tests: passed: P, failed: F"
	summary=$(tr -d '\r' <"$logs/kunit.log" | grep -E 'Testing complete\. Ran [0-9]+ tests' | tail -1)
	p=$(sed -nE 's/.*passed: ([0-9]+).*/\1/p' <<<"$summary")
	f=$(sed -nE 's/.*failed: ([0-9]+).*/\1/p' <<<"$summary")
	if [ -n "$p" ]; then
		passed=$((passed + p))
		failed=$((failed + ${f:-0}))
		echo "kunit: $summary"
	fi
	if [ $rc -ne 0 ] || [ -z "$p" ]; then
		not_ok "kunit (see $logs/kunit.log)"
		tail -25 "$logs/kunit.log" | sed 's/^/    /'
	fi
fi

# vm NAME VMLINUZ MODULES KO [--debug]
vm() {
	local name=$1
	shift
	counted "$name" "vm-$name" "$TCPKA_TOP/scripts/vm-test.sh" \
		--kernel "$1" --modules "$2" --ko "$3" "${@:4}"
}

if want vm; then
	for series in 6.1 6.12 6.1-rt 6.12-cloud; do
		k=${krel[$series]}
		ko=$("$TCPKA_TOP/scripts/build.sh" "$series" 2>/dev/null | tail -1)
		if [ -f "$ko" ]; then
			vm "$k" "$(kernel_image "$k")" "$(kernel_modules "$k")" "$ko"
		else
			not_ok "vm-$k (module did not build)"
		fi
	done
fi

if want debug; then
	log "debug kernel"
	if "$TCPKA_TOP/scripts/debug-kernel.sh" >"$logs/debug-kernel.log" 2>&1; then
		dbuild=$(sed -n 's/^build_dir=//p' "$logs/debug-kernel.log" | tail -1)
		dimage=$(sed -n 's/^bzimage=//p' "$logs/debug-kernel.log" | tail -1)
		step build-debug "$TCPKA_TOP/scripts/build.sh" "$dbuild"
		ko=$TCPKA_TOP/build/$(basename "$dbuild")/src/tcpka.ko
		if [ -f "$ko" ]; then
			vm debug "$dimage" /nonexistent "$ko" --debug
		fi
	else
		not_ok "debug-kernel (see $logs/debug-kernel.log)"
		tail -25 "$logs/debug-kernel.log" | sed 's/^/    /'
	fi
fi

want dkms && counted dkms dkms "$TCPKA_TOP/scripts/dkms-test.sh"
want deb && counted deb deb "$TCPKA_TOP/scripts/deb-test.sh"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
