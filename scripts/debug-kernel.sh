#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build (once, cached) an x86_64 debug kernel from linux-source-6.1:
# tinyconfig + scripts/debug-kernel.config (KASAN, lockdep, atomic-sleep and
# kmemleak checks, plus what tcpka.ko and the selftests need).
# With --rt: from linux-source-6.12 (PREEMPT_RT is in mainline there), the
# same fragment with scripts/debug-kernel-rt.config over it: PREEMPT_RT,
# lockdep with raw-lock nesting and atomic-sleep checks (no KASAN, for
# speed), so that a sleeping lock or an allocation with preemption off is
# reported as on Debian's -rt kernels it would only sometimes break.
#
# usage: scripts/debug-kernel.sh [--rt] [--boot-test]
#
# Prints, on stdout, two lines (also fine for eval):
#   build_dir=<dir>  the O= tree: scripts/build.sh <dir>, or
#                    make -C <dir> M=<copy of the sources> modules
#   bzimage=<file>   boot with: qemu-system-x86_64 -accel tcg -nographic
#                    -no-reboot -nic none -m 1024 -kernel <file>
#                    -initrd <cpio.gz> -append "console=ttyS0 panic=-1
#                    oops=panic kasan.fault=panic"
# Everything is built in (veth, tun too): there is no modules directory.
# --boot-test boots it with a busybox initramfs and checks that /init runs.
#
# Cache: $TCPKA_CACHE/debug-<kernelversion> is the O= tree (stamp and logs in
# its .tcpka/); rebuilt when the fragment or this script's build recipe
# changes (incrementally).

set -euo pipefail
. "$(dirname "$0")/lib.sh"

boot_test=0
rt=0
for a in "$@"; do
	case $a in
	--boot-test) boot_test=1 ;;
	--rt) rt=1 ;;
	*) die "usage: $0 [--rt] [--boot-test]" ;;
	esac
done

frags=("$TCPKA_TOP/scripts/debug-kernel.config")
series=6.1
name=debug
if [ "$rt" -eq 1 ]; then
	frags+=("$TCPKA_TOP/scripts/debug-kernel-rt.config")
	series=6.12
	name=debug-rt
fi
RECIPE=1	# bump when the build steps below change

need_pkgs gcc make flex bison bc libelf-dev libssl-dev python3 libc6-dev \
	cpio gzip xz-utils
src=$(linux_source "$series")
ver=$(make -s -C "$src" kernelversion)
build=$TCPKA_CACHE/$name-$ver
top=$build/.tcpka
bzimage=$build/arch/x86/boot/bzImage
key="recipe=$RECIPE frag=$(cat "${frags[@]}" | sha256sum | cut -d' ' -f1)"

# check_config: every option of the fragments has the requested value (a
# later fragment's line wins over an earlier one's).
check_config() {
	local line opt bad=0
	declare -A want=()
	while IFS= read -r line; do
		case $line in
		CONFIG_*=*) want[${line%%=*}]=$line ;;
		'# CONFIG_'*' is not set')
			opt=${line#\# }
			want[${opt%% *}]=$line
			;;
		esac
	done < <(cat "${frags[@]}")
	for opt in "${!want[@]}"; do
		line=${want[$opt]}
		case $line in
		CONFIG_*=*)
			grep -qxF "$line" "$build/.config" ||
				{ log "not in .config: $line (have: $(grep "^$opt=" \
					"$build/.config" || echo unset))"; bad=1; }
			;;
		*)
			! grep -q "^$opt=" "$build/.config" ||
				{ log "should be unset: $(grep "^$opt=" "$build/.config")"; bad=1; }
			;;
		esac
	done
	[ "$bad" -eq 0 ] || die "requested options did not survive olddefconfig"
}

build_kernel() {
	local t0=$SECONDS
	mkdir -p "$build" "$top"
	rm -f "$top/.done"
	log "configuring $ver debug kernel in $build"
	make -s -C "$src" O="$build" ARCH=x86_64 tinyconfig >/dev/null
	# merge_config.sh keeps its temporary files in the current directory.
	(cd "$top" && "$src/scripts/kconfig/merge_config.sh" -m -O "$build" \
		"$build/.config" "${frags[@]}") >"$top/merge.log" 2>&1 ||
		{ tail -20 "$top/merge.log" >&2; die "merge_config failed"; }
	make -s -C "$src" O="$build" ARCH=x86_64 olddefconfig >"$top/olddefconfig.log" 2>&1 ||
		{ cat "$top/olddefconfig.log" >&2; die "olddefconfig failed"; }
	check_config
	log "building (about 4 min cold on 2 cores; log $top/build.log)"
	make -C "$src" O="$build" ARCH=x86_64 -j"$(nproc)" >"$top/build.log" 2>&1 ||
		{ tail -30 "$top/build.log" >&2; die "kernel build failed"; }
	[ -s "$bzimage" ] || die "build produced no bzImage"
	[ -s "$build/Module.symvers" ] || die "build produced no Module.symvers"
	printf '%s\n' "$key" >"$top/.done"
	log "built in $((SECONDS - t0)) s"
}

if [ "$(cat "$top/.done" 2>/dev/null)" != "$key" ]; then
	mkdir -p "$top"
	# One kernel build at a time on this machine (scripts/kunit.sh too).
	exec 9>"$TCPKA_CACHE/kernel-build.lock"
	flock 9
	[ "$(cat "$top/.done" 2>/dev/null)" = "$key" ] || build_kernel
	exec 9>&-
fi

boot_test() {
	local dir=$top/boot-test out=$top/boot-test/console.log t0 rc
	need_pkgs busybox-static qemu-system-x86
	rm -rf "$dir" && mkdir -p "$dir/root/bin" "$dir/root/proc" "$dir/root/sys" \
		"$dir/root/dev"
	cp /bin/busybox "$dir/root/bin/busybox"
	cat >"$dir/root/init" <<-'EOF'
	#!/bin/busybox sh
	/bin/busybox --install -s /bin
	mount -t proc none /proc
	mount -t sysfs none /sys
	echo "tcpka-boot-test: /init reached, kernel $(uname -r)"
	poweroff -f
	EOF
	chmod +x "$dir/root/init"
	(cd "$dir/root" && find . | cpio -o -H newc --quiet | gzip -1) >"$dir/initrd.cpio.gz"
	t0=$SECONDS
	rc=0
	timeout 180 qemu-system-x86_64 -accel tcg -nographic -no-reboot -nic none \
		-m 1024 -kernel "$bzimage" -initrd "$dir/initrd.cpio.gz" \
		-append "console=ttyS0 panic=-1 oops=panic kasan.fault=panic" \
		</dev/null >"$out" 2>&1 || rc=$?
	sed -i 's/\r$//' "$out"
	grep -q '^tcpka-boot-test: /init reached' "$out" ||
		{ tail -30 "$out" >&2; die "boot test: /init not reached (log $out)"; }
	[ "$rc" -eq 0 ] ||
		{ tail -5 "$out" >&2; die "boot test: poweroff -f did not end QEMU (rc $rc)"; }
	! grep -E 'BUG:|WARNING:|Kernel panic|KASAN' "$out" >&2 ||
		die "boot test: kernel reported problems (log $out)"
	log "boot test passed in $((SECONDS - t0)) s: $(grep '^tcpka-boot-test' "$out")"
}

[ "$boot_test" -eq 0 ] || boot_test

echo "build_dir=$build"
echo "bzimage=$bzimage"
