#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The Debian packages for real, on this machine (a throwaway Debian 12, as
# root): make deb (lintian-clean), apt-get install the newest
# linux-headers-6.1.0-*-amd64 and ./tcpka-dkms_*.deb ./tcpka-tools_*.deb,
# DKMS builds /lib/modules/KREL/updates/dkms/tcpka.ko, Debian's KREL image
# boots in the VM with that very .ko for a smoke scenario (a policy, an ack
# round, the stats), then apt-get purge leaves nothing (dkms status empty,
# no module, no sources, no units). What this test installed is removed at
# the end, headers included (unless they were there before).
# Prints "ok - NAME" / "not ok - NAME" lines; exit 1 on any failure.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

[ "$(id -u)" = 0 ] || die "deb-test.sh installs packages: run it as root"
need_pkgs dkms man-db
ver=$(cat "$TCPKA_TOP/VERSION")
krel=$(krel_for 6.1)
deb=$TCPKA_TOP/build/deb
log=$(mktemp /tmp/tcpka-deb.XXXXXX)
check_log=$log
t() { check_t "$@"; }
had_headers=0
dpkg-query -W -f '${Status}' "linux-headers-$krel" 2>/dev/null |
	grep -q 'install ok installed' && had_headers=1
cleanup() {
	apt-get purge -y tcpka-dkms tcpka-tools >>"$log" 2>&1
	if [ $had_headers = 0 ]; then
		apt-get purge -y "linux-headers-$krel" >>"$log" 2>&1
		apt-get autoremove --purge -y >>"$log" 2>&1
	fi
	rm -f "$log"
}
trap cleanup EXIT

t "make deb (dpkg-buildpackage -b, lintian without errors or warnings)" \
	make -s -C "$TCPKA_TOP" deb
t "packages built" test -e "$deb/tcpka-dkms_${ver}_all.deb" -a \
	-e "$deb/tcpka-tools_${ver}_all.deb"
apt_ready
t "apt-get install linux-headers-$krel" env DEBIAN_FRONTEND=noninteractive \
	apt-get install -y --no-install-recommends "linux-headers-$krel"
t "apt-get install ./tcpka-dkms ./tcpka-tools" env DEBIAN_FRONTEND=noninteractive \
	apt-get install -y --no-install-recommends \
	"$deb/tcpka-dkms_${ver}_all.deb" "$deb/tcpka-tools_${ver}_all.deb"
ko=/lib/modules/$krel/updates/dkms/tcpka.ko
t "DKMS built $ko" test -s "$ko"
t "dkms status: installed for $krel" sh -c \
	"dkms status -m tcpka -v $ver -k $krel | grep -q ': installed'"
t "its vermagic is $krel and its version $ver" sh -c \
	"modinfo -F vermagic $ko | grep -q '^$krel ' && [ \"\$(modinfo -F version $ko)\" = $ver ]"
t "tcpkactl --version" sh -c "[ \"\$(tcpkactl --version)\" = 'tcpkactl $ver' ]"
t "man pages tcpka(7), tcpkactl(8), tcpka-textfile(8)" sh -c \
	"man -w 7 tcpka && man -w 8 tcpkactl && man -w 8 tcpka-textfile"
wants=/etc/systemd/system
t "units installed: tcpka-restore.service enabled, the timer not" sh -c \
	"test -e /lib/systemd/system/tcpka-textfile.timer &&
	 test -e /lib/systemd/system/tcpka-restore.service &&
	 test -L $wants/multi-user.target.wants/tcpka-restore.service &&
	 ! test -e $wants/timers.target.wants/tcpka-textfile.timer"
t "/etc/tcpka exists (tcpkactl save /etc/tcpka/policy)" test -d /etc/tcpka
# What the maintainer scripts do where systemd runs (it does not here): a
# fresh install starts no disabled unit (deb-systemd-invoke), an upgrade
# restarts an enabled timer, a removal stops it.
ctl=$(mktemp -d /tmp/tcpka-ctl.XXXXXX)
dpkg-deb -e "$deb/tcpka-tools_${ver}_all.deb" "$ctl"
# The prerm's stop is for "remove" only; the postinst restarts on upgrade.
maint_ok() {
	grep -q "_dh_action=restart" "$1/postinst" &&
		grep -qF "deb-systemd-invoke \$_dh_action 'tcpka-textfile.timer'" "$1/postinst" &&
		grep -qF '[ "$1" = remove ]' "$1/prerm" &&
		grep -qF "deb-systemd-invoke stop 'tcpka-textfile.timer'" "$1/prerm" &&
		! grep -q "deb-systemd-invoke .*tcpka-restore" "$1/postinst" "$1/prerm" &&
		! grep -q "stop 'tcpka-textfile.timer'" "$1/postinst"
}
t "maintainer scripts: upgrade restarts the timer, removal stops it, restore never started" \
	maint_ok "$ctl"
rm -rf "$ctl"
t "tcpka-textfile without the module: tcpka_up 0" sh -c \
	"d=\$(mktemp -d) && TCPKA_PROC=/nonexistent tcpka-textfile \$d &&
	 grep -qx 'tcpka_up{netns=\"host\"} 0' \$d/tcpka.prom; r=\$?; rm -rf \$d; exit \$r"
# The .ko DKMS built, in Debian's own image: a policy, an ack round, stats.
fetch_kernel "$krel" >/dev/null
cp "$ko" "$TCPKA_CACHE/tcpka-dkms-$krel.ko" 2>/dev/null
t "VM $krel with DKMS's tcpka.ko: ack_v4 and tracepoints" \
	"$TCPKA_TOP/scripts/vm-test.sh" --kernel "$(kernel_image "$krel")" \
	--modules "$(kernel_modules "$krel")" --ko "$TCPKA_CACHE/tcpka-dkms-$krel.ko" \
	--only "ack_v4 tracepoints"
rm -f "$TCPKA_CACHE/tcpka-dkms-$krel.ko"
# An operator enables the timer; an upgrade keeps it enabled, a removal
# takes the metrics file it wrote away (a scrape must not serve counters
# of a package that is gone), a purge the timer's links.
tfdir=/var/lib/prometheus/node-exporter
had_tfdir=0
[ -d $tfdir ] && had_tfdir=1
mkdir -p $tfdir
t "systemctl enable tcpka-textfile.timer; tcpka-textfile writes $tfdir/tcpka.prom" sh -c \
	"systemctl enable tcpka-textfile.timer >>$log 2>&1 &&
	 test -L $wants/timers.target.wants/tcpka-textfile.timer &&
	 TCPKA_PROC=/nonexistent tcpka-textfile && test -s $tfdir/tcpka.prom"
t "upgrade (apt-get install --reinstall ./tcpka-tools): timer and restore still enabled" \
	sh -c "DEBIAN_FRONTEND=noninteractive apt-get install -y --reinstall \
	 $deb/tcpka-tools_${ver}_all.deb >>$log 2>&1 &&
	 test -L $wants/timers.target.wants/tcpka-textfile.timer &&
	 test -L $wants/multi-user.target.wants/tcpka-restore.service"
t "apt-get remove tcpka-tools: tcpka.prom removed, the conffile kept" sh -c \
	"DEBIAN_FRONTEND=noninteractive apt-get remove -y tcpka-tools >>$log 2>&1 &&
	 ! test -e $tfdir/tcpka.prom && test -e /etc/default/tcpka-textfile"
t "apt-get purge tcpka-dkms tcpka-tools" env DEBIAN_FRONTEND=noninteractive \
	apt-get purge -y tcpka-dkms tcpka-tools
t "purged: no unit links left" sh -c \
	"! test -e $wants/timers.target.wants/tcpka-textfile.timer &&
	 ! test -e $wants/multi-user.target.wants/tcpka-restore.service"
[ $had_tfdir = 1 ] || rmdir -p $tfdir 2>/dev/null
t "purged: dkms status empty, no module, no sources, no units, no conffile" sh -c \
	"[ -z \"\$(dkms status -m tcpka)\" ] && ! test -e $ko &&
	 ! test -e /usr/src/tcpka-$ver && ! test -e /var/lib/dkms/tcpka &&
	 ! test -e /lib/systemd/system/tcpka-textfile.timer &&
	 ! test -e /etc/default/tcpka-textfile && ! command -v tcpkactl"
exit $check_rc
