# SPDX-License-Identifier: GPL-2.0
# Shared helpers for tcpka's scripts: cache layout, kernel version choice,
# fetching Debian kernels and headers without installing a kernel on the host.
# Sourced, not run.

TCPKA_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TCPKA_CACHE=${TCPKA_CACHE:-$HOME/.cache/tcpka}
mkdir -p "$TCPKA_CACHE"

log() { printf '[tcpka] %s\n' "$*" >&2; }
die() { printf '[tcpka] error: %s\n' "$*" >&2; exit 1; }

# apt_ready: run 'apt-get update' once per day of cache, so apt-cache sees
# the security archive's kernels.
apt_ready() {
	local stamp=$TCPKA_CACHE/apt-updated
	if [ ! -e "$stamp" ] || [ -n "$(find "$stamp" -mmin +1440 2>/dev/null)" ]; then
		log "apt-get update"
		apt-get update -q >/dev/null 2>&1 && touch "$stamp" ||
			log "apt-get update failed; using what the cache has"
	fi
}

# need_pkgs PKG...: install the Debian packages that are missing.
need_pkgs() {
	local missing=() p
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
			missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	apt_ready
	log "apt-get install ${missing[*]}"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
		"${missing[@]}" >"$TCPKA_CACHE/apt-install.log" 2>&1 ||
		{ tail -20 "$TCPKA_CACHE/apt-install.log" >&2; die "apt-get install failed"; }
}

# krel_for SERIES[-FLAVOUR]: the newest Debian 12 kernel release of a series
# and flavour (6.1 -> 6.1.0-N-amd64, 6.12 -> 6.12.N+deb12-amd64, 6.1-rt ->
# 6.1.0-N-rt-amd64, 6.12-cloud -> 6.12.N+deb12-cloud-amd64). Falls back to
# the newest one already in the cache when apt knows none.
krel_for() {
	local series=${1%-*} flavour= re krel
	case $1 in
	*-rt | *-cloud) flavour=${1##*-}- ;;
	*) series=$1 ;;
	esac
	case $series in
	6.1) re="^linux-headers-6\.1\.0-[0-9]+-${flavour}amd64\$" ;;
	6.12) re="^linux-headers-6\.12\.[0-9]+\+deb12-${flavour}amd64\$" ;;
	*) die "unknown kernel series $1" ;;
	esac
	apt_ready
	krel=$(apt-cache search --names-only "$re" 2>/dev/null | awk '{print $1}' |
		sed 's/^linux-headers-//' | sort -V | tail -1)
	if [ -z "$krel" ]; then
		krel=$(ls "$TCPKA_CACHE" 2>/dev/null | sed -n 's/^k-//p' |
			grep -E "${re#^linux-headers-}" | sort -V | tail -1)
	fi
	[ -n "$krel" ] || die "no Debian kernel $1 found"
	echo "$krel"
}

# fetch_kernel KREL: download (never install) the image, headers and kbuild
# packages of KREL and unpack them under $TCPKA_CACHE/k-KREL/root.
# Prints the directory to build modules against (KDIR).
fetch_kernel() {
	local krel=$1 dir=$TCPKA_CACHE/k-$1 common kbuild img p
	if [ ! -e "$dir/.done" ]; then
		need_pkgs dpkg-dev
		apt_ready
		rm -rf "$dir" && mkdir -p "$dir/debs" "$dir/root"
		# The common headers (-common, -common-rt) and kbuild packages
		# the headers package depends on.
		common=$(apt-cache depends "linux-headers-$krel" 2>/dev/null |
			sed -n 's/^ *Depends: \(linux-headers-.*-common.*\)$/\1/p' | head -1)
		kbuild=$(apt-cache depends "linux-headers-$krel" 2>/dev/null |
			sed -n 's/^ *Depends: \(linux-kbuild-.*\)$/\1/p' | head -1)
		[ -n "$common" ] || common=linux-headers-${krel%-amd64}-common
		if [ -z "$kbuild" ]; then
			case $krel in
			6.1.*) kbuild=linux-kbuild-6.1 ;;
			*) kbuild=linux-kbuild-${krel%-amd64} ;;
			esac
		fi
		img=linux-image-$krel-unsigned
		apt-cache show "$img" >/dev/null 2>&1 || img=linux-image-$krel
		log "downloading $krel ($img, headers, kbuild)"
		(cd "$dir/debs" && apt-get download -q "$img" "linux-headers-$krel" \
			"$common" "$kbuild" >/dev/null 2>&1) ||
			die "apt-get download for $krel failed"
		for p in "$dir"/debs/*.deb; do dpkg -x "$p" "$dir/root"; done
		# The headers' Makefile includes the common tree by absolute path.
		sed -i "s|/usr/src/|$dir/root/usr/src/|" \
			"$dir/root/usr/src/linux-headers-$krel/Makefile"
		rm -rf "$dir/debs"
		touch "$dir/.done"
	fi
	echo "$dir/root/usr/src/linux-headers-$krel"
}

# promtool_bin: Debian's promtool, from the prometheus package downloaded
# and unpacked under $TCPKA_CACHE (never installed: the package would start
# a Prometheus server on the host). Prints its path.
promtool_bin() {
	local ver dir
	need_pkgs dpkg-dev
	apt_ready
	ver=$(apt-cache policy prometheus 2>/dev/null | sed -n 's/^ *Candidate: //p')
	[ -n "$ver" ] && [ "$ver" != "(none)" ] || die "no prometheus package known to apt"
	dir=$TCPKA_CACHE/prometheus-$ver
	if [ ! -e "$dir/.done" ]; then
		rm -rf "$dir" && mkdir -p "$dir/debs" "$dir/root"
		log "downloading prometheus $ver (for promtool)"
		(cd "$dir/debs" && apt-get download -q prometheus >/dev/null 2>&1) ||
			die "apt-get download prometheus failed"
		dpkg -x "$dir"/debs/*.deb "$dir/root"
		rm -rf "$dir/debs"
		[ -x "$dir/root/usr/bin/promtool" ] || die "no promtool in the prometheus package"
		touch "$dir/.done"
	fi
	echo "$dir/root/usr/bin/promtool"
}

# check_t NAME CMD...: one check of a test runner that prints "ok - NAME"
# or "not ok - NAME"; CMD's output goes to $check_log (set by the caller),
# whose tail follows a failure. check_rc becomes 1 after any failure.
check_rc=0
check_t() {
	local name=$1
	shift
	if "$@" >>"$check_log" 2>&1; then
		echo "ok - $name"
	else
		echo "not ok - $name"
		tail -15 "$check_log" | sed 's/^/    /'
		check_rc=1
	fi
}

# node_exporter_bin: Debian's node_exporter, downloaded and unpacked into
# the cache as promtool is (nothing installed on the host).
node_exporter_bin() {
	local ver dir
	need_pkgs dpkg-dev
	apt_ready
	ver=$(apt-cache policy prometheus-node-exporter 2>/dev/null | sed -n 's/^ *Candidate: //p')
	[ -n "$ver" ] && [ "$ver" != "(none)" ] || die "no prometheus-node-exporter package known to apt"
	dir=$TCPKA_CACHE/node-exporter-$ver
	if [ ! -e "$dir/.done" ]; then
		rm -rf "$dir" && mkdir -p "$dir/debs" "$dir/root"
		log "downloading prometheus-node-exporter $ver"
		(cd "$dir/debs" && apt-get download -q prometheus-node-exporter >/dev/null 2>&1) ||
			die "apt-get download prometheus-node-exporter failed"
		dpkg -x "$dir"/debs/*.deb "$dir/root"
		rm -rf "$dir/debs"
		[ -x "$dir/root/usr/bin/prometheus-node-exporter" ] ||
			die "no node_exporter in the prometheus-node-exporter package"
		touch "$dir/.done"
	fi
	echo "$dir/root/usr/bin/prometheus-node-exporter"
}

# kernel_image KREL: path of the vmlinuz of a fetched kernel.
kernel_image() { echo "$TCPKA_CACHE/k-$1/root/boot/vmlinuz-$1"; }
# kernel_modules KREL: the lib/modules/KREL directory of a fetched kernel.
kernel_modules() { echo "$TCPKA_CACHE/k-$1/root/lib/modules/$1"; }

# linux_source [SERIES]: the kernel source tree (6.1, the default: for
# checkpatch, KUnit on UML, the debug kernel; 6.12: the PREEMPT_RT debug
# kernel), unpacked from Debian's linux-source package into the cache.
linux_source() {
	local series=${1:-6.1} dir
	dir=$TCPKA_CACHE/linux-source-$series
	if [ ! -e "$dir/.done" ]; then
		need_pkgs "linux-source-$series" xz-utils
		log "unpacking linux-source-$series"
		rm -rf "$dir" && mkdir -p "$dir"
		tar -C "$dir" --strip-components=1 \
			-xf "/usr/src/linux-source-$series.tar.xz"
		touch "$dir/.done"
	fi
	echo "$dir"
}

# vm_run SERIES SCRIPT [VM-TEST OPTIONS]: build tcpka.ko for Debian's SERIES
# kernel and run SCRIPT (busybox sh) in a QEMU VM booting that kernel; its
# output on stdout.
vm_run() {
	local krel ko series=$1 script=$2
	shift 2
	krel=$(krel_for "$series")
	fetch_kernel "$krel" >/dev/null
	ko=$("$TCPKA_TOP/scripts/build.sh" "$series" | tail -1)
	log "booting Debian's $krel under QEMU (TCG)"
	"$TCPKA_TOP/scripts/vm-test.sh" --kernel "$(kernel_image "$krel")" \
		--modules "$(kernel_modules "$krel")" --ko "$ko" --run "$script" "$@"
}
