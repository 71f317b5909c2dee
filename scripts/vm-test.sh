#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Boot a kernel in QEMU (TCG) with tcpka.ko and run the end-to-end selftests.
#
#   scripts/vm-test.sh --kernel VMLINUZ --modules LIBMODULES_DIR --ko TCPKA_KO
#                      [--debug] [--only NAME...] [--log FILE]
#                      [--timeout SECS] [--jobs N] [--skip-load]
#                      [--run SCRIPT] [--mem MB] [--file PATH]...
#
#   --kernel    the kernel image (Debian's vmlinuz-*, or a debug bzImage)
#   --modules   its lib/modules/<release> directory: the Debian modules the
#               tests need (veth) are taken from there with their
#               dependencies (with --debug it may be empty or missing:
#               everything the tests need is built in)
#   --ko        tcpka.ko built for that kernel
#   --debug     a KASAN/lockdep/kmemleak kernel: boot with oops=panic
#               kasan.fault=panic, scan kmemleak after the final rmmod, and
#               fail on any BUG/WARNING/KASAN/lockdep/leak report
#   --only      run only these tests (several names, or one comma list)
#   --log       keep the whole console log in FILE (default:
#               ~/.cache/tcpka/vm-logs/<kernel image name>.log)
#   --timeout   hard limit for the VM (default 420 s, 900 s with --debug)
#   --jobs      tests run in parallel inside the VM at a time (default: all,
#               4 with --debug)
#   --skip-load never load tcpka.ko: checks that every test fails without it
#   --run       run SCRIPT (busybox sh, may source /selftests/lib.sh; tcpka.ko
#               is /tcpka/tcpka.ko) instead of the selftests and print what
#               it prints; fails if it exits non-zero, prints a line
#               starting with TCPKA-ERROR, the VM does not finish or the
#               kernel reports a bug
#   --mem       the VM's memory (default 1024 MB)
#   --file      copy PATH into the VM's /selftests/ too (may repeat)
#
# TCPKA_VM_APPEND: more kernel command line (make bench: slub_nomerge, so
# that tcpka's record cache is its own in /proc/slabinfo).
#
# Prints "ok NAME" or "not ok NAME: reason" per test and a summary; exits 0
# only if every test passed and the VM finished. The tests are listed in
# selftests/README.
#
# Example (Debian 6.12):
#   . scripts/lib.sh; k=$(krel_for 6.12); fetch_kernel $k >/dev/null
#   scripts/vm-test.sh --kernel $(kernel_image $k) \
#       --modules $(kernel_modules $k) --ko $(scripts/build.sh 6.12 | tail -1)
set -euo pipefail
. "$(dirname "$0")/lib.sh"

usage() { sed -n '3,44p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

kernel='' moddir='' ko='' debug=0 log='' timeout='' jobs='' skip_load=0 run=
mem=1024
only=() files=()
while [ $# -gt 0 ]; do
	case $1 in
	--kernel) kernel=$2; shift 2 ;;
	--modules) moddir=$2; shift 2 ;;
	--ko) ko=$2; shift 2 ;;
	--debug) debug=1; shift ;;
	--log) log=$2; shift 2 ;;
	--timeout) timeout=$2; shift 2 ;;
	--jobs) jobs=$2; shift 2 ;;
	--skip-load) skip_load=1; shift ;;
	--run) run=$2; shift 2 ;;
	--mem) mem=$2; shift 2 ;;
	--file) files+=("$2"); shift 2 ;;
	--only)
		shift
		while [ $# -gt 0 ] && [ "${1#--}" = "$1" ]; do
			only+=("${1//,/ }")
			shift
		done
		;;
	-h | --help) usage ;;
	*) echo "unknown argument: $1" >&2; usage ;;
	esac
done
[ -n "$kernel" ] && [ -n "$ko" ] || usage
if [ "$debug" = 1 ]; then
	timeout=${timeout:-900} jobs=${jobs:-4} slow=4
else
	timeout=${timeout:-420} jobs=${jobs:-0} slow=1
fi
[ -f "$kernel" ] || die "no kernel image $kernel"
[ -f "$ko" ] || die "no module $ko"
[ -z "$run" ] || [ -f "$run" ] || die "no script $run"
[ -n "$moddir" ] || [ "$debug" = 1 ] || die "--modules is needed (except with --debug)"

need_pkgs qemu-system-x86 busybox-static cpio iproute2 gcc libc6-dev xz-utils \
	zstd kmod

SELF=$TCPKA_TOP/selftests
work=$(mktemp -d /tmp/tcpka-vm.XXXXXX)
trap 'rm -rf "$work"' EXIT

# --- static helpers -----------------------------------------------------
# static_bin NAME: selftests/NAME.c built with gcc -static, cached by hash.
static_bin() {
	local src=$SELF/$1.c bin
	bin=$TCPKA_CACHE/$1-$(sha256sum "$src" | cut -c1-16)
	if [ ! -x "$bin" ]; then
		log "building $1"
		gcc -static -O2 -Wall -Wextra -Werror -o "$bin.tmp" "$src" ||
			die "$1 does not build"
		mv "$bin.tmp" "$bin"
	fi
	echo "$bin"
}
peer_bin=$(static_bin tcpka_peer)
bench_bin=$(static_bin tcpka_bench)

# --- kernel modules the tests need, with their dependencies -------------
# mod_file NAME: the file of module NAME under $moddir, or nothing.
mod_file() {
	local n=${1//-/_} f
	f=$(find "$moddir/kernel" \( -name "$n.ko*" -o -name "${n//_/-}.ko*" \) \
		2>/dev/null | head -1)
	echo "$f"
}
# builtin NAME: the kernel has module NAME built in.
builtin() {
	local n=${1//-/_}
	[ -f "$moddir/modules.builtin" ] &&
		sed 's/-/_/g' "$moddir/modules.builtin" | grep -q "/$n\.ko$"
}
mods=()
# add_mod NAME: add NAME after its dependencies (post-order, no repeats).
add_mod() {
	local n=${1//-/_} f d m
	for m in "${mods[@]}"; do [ "$m" = "$n" ] && return 0; done
	builtin "$n" && return 0
	f=$(mod_file "$n")
	if [ -z "$f" ]; then
		[ "$debug" = 1 ] && return 0	# built into the debug kernel
		die "module $n: not in $moddir and not built in"
	fi
	for d in $(modinfo -F depends "$f" 2>/dev/null | tr ',' ' '); do
		add_mod "$d"
	done
	mods+=("$n")
}
if [ -n "$moddir" ] && [ -d "$moddir/kernel" ]; then
	add_mod veth	# the tests' modular needs on Debian's kernels:
	add_mod tcp_diag	# veth, and sock_diag for ss -e (socket cookies)
elif [ "$debug" != 1 ]; then
	die "no kernel modules in $moddir"
fi

# --- the initramfs: a cached base and a small per-run part --------------
bins=(/bin/busybox "$(command -v ip)" "$(command -v ss)")
[ -x "${bins[0]}" ] || die "no /bin/busybox (busybox-static)"
libs=$(ldd "${bins[1]}" "${bins[2]}" 2>/dev/null |
	awk '/=> \// { print $3 } /^\t\/.*ld-linux/ { print $1 }' | sort -u)
modfiles=()
for m in "${mods[@]}"; do modfiles+=("$(mod_file "$m")"); done
key=$( (echo "base v1 ${mods[*]}"
	sha256sum "${bins[@]}" $libs "${modfiles[@]}") | sha256sum | cut -c1-16)
base=$TCPKA_CACHE/initramfs/base-$key.cpio.gz
if [ ! -s "$base" ]; then
	log "building initramfs base $key (${mods[*]:-no modules})"
	r=$work/base
	mkdir -p "$r"/{bin,sbin,dev,proc,sys,tmp,run,var,lib/tcpka-modules}
	cp /bin/busybox "$r/bin/busybox"
	cp "${bins[1]}" "${bins[2]}" "$r/sbin/"
	for l in $libs; do
		mkdir -p "$r$(dirname "$l")"
		cp -L "$l" "$r$l"
	done
	i=0
	for m in "${mods[@]}"; do
		f=$(mod_file "$m")
		o=$(printf '%02d-%s.ko' $i "$m")
		case $f in
		*.ko.xz) xz -dc "$f" >"$r/lib/tcpka-modules/$o" ;;
		*.ko.zst) zstd -qdc "$f" >"$r/lib/tcpka-modules/$o" ;;
		*.ko.gz) gzip -dc "$f" >"$r/lib/tcpka-modules/$o" ;;
		*) cp "$f" "$r/lib/tcpka-modules/$o" ;;
		esac
		echo "$o" >>"$r/lib/tcpka-modules/order"
		i=$((i + 1))
	done
	mknod "$r/dev/console" c 5 1
	mknod "$r/dev/null" c 1 3
	mkdir -p "$(dirname "$base")"
	(cd "$r" && find . | LC_ALL=C sort | cpio -o -H newc --quiet | gzip -1) \
		>"$base.tmp"
	mv "$base.tmp" "$base"
fi

r=$work/run
mkdir -p "$r/selftests" "$r/tcpka"
cp "$SELF/vm-init.sh" "$r/init"
chmod 755 "$r/init"
cp "$SELF"/*.sh "$TCPKA_TOP/scripts/tcpkactl" "$r/selftests/"
[ -n "$run" ] && cp "$run" "$r/selftests/run.sh"
cp "$peer_bin" "$r/selftests/tcpka_peer"
cp "$bench_bin" "$r/selftests/tcpka_bench"
for f in "${files[@]}"; do cp "$f" "$r/selftests/"; done
cp "$ko" "$r/tcpka/tcpka.ko"
# The kernel-socket module scripts/build.sh builds beside tcpka.ko.
ksock_ko=$(dirname "$ko")/../ksock/tcpka_ksock.ko
[ -e "$ksock_ko" ] && cp "$ksock_ko" "$r/tcpka/tcpka_ksock.ko"
cat >"$r/selftests/config" <<EOF
ONLY="${only[*]}"
SKIP_LOAD=$skip_load
DEBUG=$debug
JOBS=$jobs
SLOW=$slow
RUN=${run:+/selftests/run.sh}
EOF
(cd "$r" && find . | LC_ALL=C sort | cpio -o -H newc --quiet | gzip -1) \
	>"$work/run.cpio.gz"
cat "$base" "$work/run.cpio.gz" >"$work/initrd.gz"

# --- boot ---------------------------------------------------------------
append="console=ttyS0 quiet panic=-1 loglevel=4${TCPKA_VM_APPEND:+ $TCPKA_VM_APPEND}"
[ "$debug" = 1 ] && append="$append oops=panic kasan.fault=panic"
console=$work/console.log
results=$work/results.log
: >"$results"
# One QEMU at a time on this machine: ours queue on a lock, and wait for
# any other QEMU to end.
exec 9>"$TCPKA_CACHE/qemu.lock"
flock 9
while pgrep -f '(^|/)qemu-system-x86_64( |$)' >/dev/null; do
	log "waiting for another QEMU to end"
	sleep 5
done
log "booting $(basename "$kernel") (timeout ${timeout}s)"
start=$(date +%s)
set +e
timeout -k 5 "$timeout" qemu-system-x86_64 -accel tcg -smp 2 -m "$mem" \
	-nic none -nographic -no-reboot -monitor none \
	-serial stdio -serial "file:$results" \
	-kernel "$kernel" -initrd "$work/initrd.gz" -append "$append" \
	</dev/null >"$console" 2>&1
qrc=$?
set -e
secs=$(($(date +%s) - start))
sed -i 's/\r$//' "$console" "$results"
if [ -z "$log" ]; then
	mkdir -p "$TCPKA_CACHE/vm-logs"
	log=$TCPKA_CACHE/vm-logs/$(basename "$kernel").log
fi
cp "$console" "$log"

# --- verdict ------------------------------------------------------------
pat='BUG:|WARNING:|Oops|general protection fault|Kernel panic|Call Trace:'
[ "$debug" = 1 ] && pat="$pat|KASAN|possible circular locking|lockdep|sleeping function called from invalid context|unreferenced object|INFO: task .* blocked"

if [ -n "$run" ]; then
	sed -n '/^TCPKA-RUN-BEGIN/,/^TCPKA-RUN-END/p' "$console" | sed '1d;$d'
	rc=$(sed -n 's/^TCPKA-RUN-END rc=//p' "$console")
	bad=0
	if [ -z "$rc" ]; then
		echo "not ok run: $(basename "$run") did not finish (qemu rc $qrc)"
		tail -20 "$console" | sed 's/^/  console: /'
		bad=1
	elif [ "$rc" != 0 ]; then
		echo "not ok run: $(basename "$run") exited with $rc"
		bad=1
	fi
	if grep -q '^TCPKA-ERROR' "$console"; then
		grep '^TCPKA-ERROR' "$console" | sed 's/^/not ok run: /'
		bad=1
	fi
	if grep -Eq "$pat" "$console"; then
		echo "not ok kernel: reports in the console log:"
		grep -En -m 20 "$pat" "$console" | sed 's/^/  console: /'
		bad=1
	fi
	echo "# $(basename "$kernel"): $(basename "$run") $([ $bad = 0 ] && echo ok || echo FAILED), ${secs}s in the VM"
	echo "# console log: $log"
	exit $bad
fi

# Results come from the second serial port (nothing else writes there);
# the console is the fallback.
src=$results
grep -q '^TCPKA-RESULT PLAN' "$src" || src=$console
plan=$(sed -n 's/^TCPKA-RESULT PLAN//p' "$src" | head -1)
failed=0
passed=0
for t in $plan; do
	line=$(grep -E "^TCPKA-RESULT (ok|not ok) $t( |:|$)" "$src" | head -1 |
		sed 's/^TCPKA-RESULT //')
	if [ -z "$line" ]; then
		line="not ok $t: no result (the VM did not get there)"
	fi
	echo "$line"
	case $line in ok*) passed=$((passed + 1)) ;; *) failed=$((failed + 1)) ;; esac
done
if [ -z "$plan" ]; then
	echo "not ok vm: the selftests never started (qemu rc $qrc)"
	failed=$((failed + 1))
	tail -30 "$console" | sed 's/^/  console: /'
fi
if ! grep -q '^TCPKA-END' "$console"; then
	if [ $qrc = 124 ] || [ $qrc = 137 ]; then
		echo "not ok vm: no TCPKA-END within ${timeout}s (killed)"
	else
		echo "not ok vm: did not finish (qemu rc $qrc)"
	fi
	failed=$((failed + 1))
	tail -20 "$console" | sed 's/^/  console: /'
fi
grep '^TCPKA-ERROR' "$console" | sed 's/^/not ok vm: /' || true
failed=$((failed + $(grep -c '^TCPKA-ERROR' "$console" || true)))

# Kernel reports: always fatal; more patterns on a debug kernel.
if grep -Eq "$pat" "$console"; then
	echo "not ok kernel: reports in the console log:"
	grep -En -m 20 "$pat" "$console" | sed 's/^/  console: /'
	failed=$((failed + 1))
fi
# TCP's timers count jiffies; a kernel that loses ticks runs them late.
jif=$(sed -n 's/^TCPKA-JIFFIES \([0-9]*\) ms.*/\1/p' "$console")
if [ -n "$jif" ]; then
	echo "# kernel timers: a 1 s jiffies timeout took up to $jif ms"
	[ "$failed" != 0 ] && [ "$jif" -gt 1300 ] &&
		echo "# (timers ran late: timing checks may have failed for that)"
fi
echo "# $(basename "$kernel"): $passed passed, $failed failed, ${secs}s in the VM"
echo "# console log: $log"
[ "$failed" = 0 ]
