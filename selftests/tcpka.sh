#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# tcpka end-to-end selftests, run by busybox sh inside the test VM (see
# README and scripts/vm-test.sh). Prints one "TCPKA-RESULT ok NAME" or
# "TCPKA-RESULT not ok NAME: reason" line per test to the console and to
# /dev/ttyS1 (when present), after a "TCPKA-PLAN name..." line.
#
#   tcpka.sh [NAME...]     the named tests only (default: all)
# Environment: KO (tcpka.ko), SKIP_LOAD=1 (never load the module: every
# test must then fail), PEER (tcpka_peer), JOBS (parallel tests at a time,
# 0: all), SLOW (factor for the shell's waiting limits).

. /selftests/lib.sh

SERIAL_FIRST="module_params"
PARALLEL="keepalive_on_v4 keepalive_on_v6 ack_v4 ack_v6 rst_v4 rst_v6
	timeout_v4 timeout_v6 user_timeout_v6 abandoned_v4 mode_v4 mode_v6
	inherit counters enabled probing uto_data_v4 uto_data_v6 rearm dry_run
	tracepoints halfclosed_v4 halfclosed_v6 ka_off_v4 ka_off_v6
	force_midround_v4 force_midround_v6 force_kaoff_v4 force_kaoff_v6
	retrans_v4 retrans_v6 tfo_v4 tfo_v6
	mptcp_v4 mptcp_v6 pending_v4 pending_v6 coverage_v4 coverage_v6
	zero_window_v4 zero_window_v6 addr_loss_v4 addr_loss_v6"
SERIAL_LAST="tcpkactl policy_file policy_perms cgns_v4 cgns_v6 unpriv_v4
	unpriv_v6 kernsock reclaim_v4 reclaim_v6 exact unload_churn rmmod_midround
	unload"
# Run only when named (--only): scripts/soak.sh.
ON_REQUEST="soak"

mod_load() {
	if [ "${SKIP_LOAD:-0}" = 1 ]; then
		echo ok
		return 0
	fi
	"$PEER" insmod "$KO" "$@"
}

# A mode=force re-apply in flight (queued by a setsockopt(), run as that
# call returns to user space) holds a module reference: rmmod fails with
# EAGAIN meanwhile. Tried again (up to 50 times, 0.1 s apart); the extra
# attempts are added to $D/rmmod_retries.
mod_unload() {
	local i=0
	[ "${SKIP_LOAD:-0}" = 1 ] && return 0
	until rmmod tcpka 2>"$D/rmmod.err"; do
		grep -q 'in use\|unavailable\|busy' "$D/rmmod.err" &&
			[ $i -lt 50 ] || { cat "$D/rmmod.err"; return 1; }
		i=$((i + 1))
		sleep 0.1
	done
	[ $i -gt 0 ] && echo $i >>"$D/rmmod_retries"
	return 0
}

# sleep_until T: sleep until /proc/uptime reaches T.
sleep_until() {
	local s
	s=$(awk -v t="$1" -v n="$(uptime_now)" \
		'BEGIN { d = t - n; if (d < 0) d = 0; printf "%.2f", d }')
	sleep "$s"
}

# est NAME: the peer's "established" time.
est() { pv "$1" established t; }

tplus() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a + b }'; }

# --- 1. a policy turns keepalive on, client and server side -------------
t_keepalive_on() {
	local cgs=/tcpka.slice/$T a p c pc t
	cg_make "$cgs/cli-pol" "$cgs/cli-plain" "$cgs/srv-pol" "$cgs/srv-plain"
	pair "" 0
	a=$(srv_addr "$F" 0)
	set_policy "set $cgs/cli-pol idle=2 intvl=1 cnt=3\nset $cgs/srv-pol idle=2 intvl=1 cnt=3"
	snap "c$N" c0
	snap "s$N" s0
	# Samples of the counters of their netns at 1 s and 3.5 s, taken by
	# the peers themselves: probes leave after idle (2 s), not before.
	peer srvA "$cgs/srv-plain" "s$N" server -w 0 "$a" 7001
	peer srvB "$cgs/srv-pol" "s$N" server -w 0 -s 1 -s 3.5 "$a" 7002
	wait_line srvA 'listening' && wait_line srvB 'listening'
	peer cliA "$cgs/cli-pol" "c$N" client -w 0 -s 1 -s 3.5 "$a" 7001
	peer cliB "$cgs/cli-plain" "c$N" client -w 0 "$a" 7002
	wait_line cliA 'established' && wait_line srvB 'established' &&
		wait_line cliB 'established' && wait_line srvA 'established' ||
		return
	# The program never set SO_KEEPALIVE: the policy did, on both sides.
	expect_opts cliA established 1 2 1 3 0
	expect_opts srvB established 1 2 1 3 0
	expect_opts cliB established 0 - - - -
	expect_opts srvA established 0 - - - -
	# srvB's connection is cliB's: cliB's start bounds it too.
	for pc in cliA:cliA srvB:cliB; do
		p=${pc%:*}
		c=${pc#*:}
		wait_line $p 'sample2' 10 || continue
		expect_eq "$p sample1 sockets_enforced" \
			"$(pv $p sample1 sockets_enforced)" 1
		if on_time $p $c sample1 1.8; then
			expect_eq "$p sample1 probes_sent" \
				"$(pv $p sample1 probes_sent)" 0
			expect_eq "$p sample1 rounds_started" \
				"$(pv $p sample1 rounds_started)" 0
		fi
		# A probe at 2 s, then one per second: at most
		# floor(t - idle) + 1 by the time of the sample.
		t=$(since_hi $c "$(pv $p sample2 t)")
		expect_ge "$p sample2 probes_sent" "$(pv $p sample2 probes_sent)" 1
		expect_le "$p sample2 probes_sent (sample at most $t s in)" \
			"$(pv $p sample2 probes_sent)" \
			"$(awk -v t="$t" 'BEGIN { print int(t - 2) + 1 }')"
		expect_eq "$p sample2 probes_sent (TCPKeepAlive $(pv $p sample2 tcpkeepalive))" \
			"$(pv $p sample2 probes_sent)" "$(pv $p sample2 tcpkeepalive)"
		expect_ge "$p sample2 rounds_started" \
			"$(pv $p sample2 rounds_started)" 1
	done
	snap "c$N" c2
	snap "s$N" s2
	expect_stats c2 sockets_enforced=1 outcome_rst=0 outcome_timeout=0
	expect_stats s2 sockets_enforced=1 outcome_rst=0 outcome_timeout=0
	expect_probes_match c0 c2
	expect_probes_match s0 s2
	expect_eq "c2 row cli-pol sockets_enforced" \
		"$(row c2 "$cgs/cli-pol" sockets_enforced)" 1
	expect_eq "c2 row cli-pol policy" "$(row c2 "$cgs/cli-pol" policy)" \
		"idle=2,intvl=1,cnt=3,mode=default,from=$cgs/cli-pol"
	expect_eq "s2 row srv-pol sockets_enforced" \
		"$(row s2 "$cgs/srv-pol" sockets_enforced)" 1
	expect_ge "s2 row srv-pol probes_sent" \
		"$(row s2 "$cgs/srv-pol" probes_sent)" 1
}

# --- 2. peer alive: rounds end in ack ----------------------------------
t_ack() {
	local cgs=/tcpka.slice/$T a t0
	cg_make "$cgs/cli" "$cgs/srv"
	pair "" 0
	a=$(srv_addr "$F" 0)
	set_policy "set $cgs/cli idle=1 intvl=1 cnt=2"
	snap "c$N" c0
	peer srv "$cgs/srv" "s$N" server -w 0 "$a" 7001
	wait_line srv 'listening' || return
	peer cli "$cgs/cli" "c$N" client -w 6 "$a" 7001
	wait_line cli 'established' || return
	expect_opts cli established 1 1 1 2 0
	t0=$(est cli)
	sleep_until "$(tplus "$t0" 3.6)"
	snap "c$N" c1
	expect_ge "c1 outcome_ack" "$(st c1 outcome_ack)" 2
	expect_stats c1 outcome_rst=0 outcome_timeout=0 rounds_abandoned=0
	peer_end cli 10
	expect_eq "client read" "$(pv cli end result)" ALIVE
	snap "c$N" c2
	expect_ge "c2 outcome_ack" "$(st c2 outcome_ack)" 3
	expect_stats c2 sockets_enforced=1 outcome_rst=0 outcome_timeout=0
	expect_le "c2 rounds_abandoned" "$(st c2 rounds_abandoned)" 1
	# Every round one probe, answered; the last may be cut by close().
	expect_eq "c2 probes_sent" "$(st c2 probes_sent)" "$(st c2 rounds_started)"
	if _num "$(st c2 outcome_ack)" && _num "$(st c2 rounds_abandoned)"; then
		expect_eq "c2 rounds_started (= ack + abandoned)" \
			"$(st c2 rounds_started)" \
			"$(($(st c2 outcome_ack) + $(st c2 rounds_abandoned)))"
	fi
	expect_probes_match c0 c2
	expect_ge "c2 row cli outcome_ack" "$(row c2 "$cgs/cli" outcome_ack)" 3
}

# --- 3. peer lost the connection: rst -----------------------------------
t_rst() {
	local cgs=/tcpka.slice/$T a
	cg_make "$cgs/cli" "$cgs/srv"
	pair "" 0
	a=$(srv_addr "$F" 0)
	set_policy "set $cgs/cli idle=1 intvl=1 cnt=3"
	in_ns "c$N" sh -c "echo 1 >/proc/sys/net/tcpka/log_verdicts" ||
		fail "log_verdicts=1 failed"
	snap "c$N" c0
	snap "s$N" s0
	# The server forgets the connection at once, without FIN or RST.
	peer srv "$cgs/srv" "s$N" server -w 0 -R 0 "$a" 7001
	wait_line srv 'listening' || return
	peer cli "$cgs/cli" "c$N" client -w 12 "$a" 7001
	wait_line cli 'established' && wait_line srv 'repair-closed' || return
	expect_opts cli established 1 1 1 3 0
	peer_end cli 10
	expect_eq "client read" "$(pv cli end result)" ECONNRESET
	expect_elapsed cli 0.8 3.0
	snap "c$N" c1
	snap "s$N" s1
	expect_stats c1 sockets_enforced=1 probes_sent=1 rounds_started=1 \
		outcome_rst=1 outcome_ack=0 outcome_timeout=0 rounds_abandoned=0
	expect_probes_match c0 c1
	expect_eq "c1 row cli outcome_rst" "$(row c1 "$cgs/cli" outcome_rst)" 1
	expect_stats s1 sockets_enforced=0 probes_sent=0
	# The RST came about 1 s after the last word from the peer.
	expect_eq "idle_at_reset count" "$(hist c1 "$cgs/cli" idle_at_reset count)" 1
	expect_eq "idle_at_reset le_1" "$(hist c1 "$cgs/cli" idle_at_reset le_1)" 0
	expect_eq "idle_at_reset le_4" "$(hist c1 "$cgs/cli" idle_at_reset le_4)" 1
	expect_range "idle_at_reset sum_ms" \
		"$(hist c1 "$cgs/cli" idle_at_reset sum_ms)" 800 4000
	expect_eq "time_to_detect count" \
		"$(hist c1 "$cgs/cli" time_to_detect count)" 1
	expect_eq "time_to_detect le_inf" \
		"$(hist c1 "$cgs/cli" time_to_detect le_inf)" 1
	expect_eq "s1 histograms (no verdicts)" "$(wc -l <"$D/s1.histograms")" 1
	# net.tcpka.log_verdicts=1: one line with the 4-tuple and the cgroup.
	expect_log "tcpka: rst $(addr_fmt "$F" 0 1):" \
		" -> $(addr_fmt "$F" 0 2):7001 cgroup $cgs/cli probes 1/3 idle "
}

# --- 4. peer gone: timeout after cnt probes -----------------------------
t_timeout() {
	local cgs=/tcpka.slice/$T a
	cg_make "$cgs/cli" "$cgs/srv"
	pair "" 0
	a=$(srv_addr "$F" 0)
	set_policy "set $cgs/cli idle=2 intvl=1 cnt=2"
	snap "c$N" c0
	# The server's link goes down as soon as it has accepted.
	peer srv "$cgs/srv" "s$N" server -w 0 -D "vs$N" "$a" 7001
	wait_line srv 'listening' || return
	peer cli "$cgs/cli" "c$N" client -w 20 -s 1 "$a" 7001
	wait_line cli 'established' && wait_line srv 'link-down' || return
	expect_opts cli established 1 2 1 2 0
	peer_end cli 12
	on_time cli cli sample1 1.8 &&
		expect_eq "sample1 probes_sent (at 1 s)" \
			"$(pv cli sample1 probes_sent)" 0
	expect_eq "client read" "$(pv cli end result)" ETIMEDOUT
	# idle 2 + cnt 2 x intvl 1 = 4 s
	expect_elapsed cli 3.5 6.5
	snap "c$N" c2
	expect_stats c2 sockets_enforced=1 rounds_started=1 \
		outcome_timeout=1 outcome_ack=0 outcome_rst=0 rounds_abandoned=0
	# cnt probes on the wire; a probe dropped on this host while the
	# link goes down is sent again (and counted, by the kernel too).
	expect_ge "c2 probes_sent" "$(st c2 probes_sent)" 2
	expect_ge "TCPKeepAlive delta" "$(delta c0 c2 ka)" 2
	expect_probes_match c0 c2
	expect_eq "c2 row cli outcome_timeout" \
		"$(row c2 "$cgs/cli" outcome_timeout)" 1
	# From the handshake (the last data from the peer) to the verdict:
	# about 4 s.
	expect_eq "time_to_detect count" \
		"$(hist c2 "$cgs/cli" time_to_detect count)" 1
	expect_eq "time_to_detect le_2" \
		"$(hist c2 "$cgs/cli" time_to_detect le_2)" 0
	expect_eq "time_to_detect le_8" \
		"$(hist c2 "$cgs/cli" time_to_detect le_8)" 1
	expect_eq "idle_at_reset count" \
		"$(hist c2 "$cgs/cli" idle_at_reset count)" 0
	# net.tcpka.log_verdicts is 0 by default: no line.
	expect_nolog "tcpka: timeout $(addr_fmt "$F" 0 1):" \
		" -> $(addr_fmt "$F" 0 2):7001 cgroup $cgs/cli "
}

# --- 4b. user_timeout ends a round before cnt probes ---------------------
t_user_timeout() {
	local cgs=/tcpka.slice/$T a
	cg_make "$cgs/cli" "$cgs/srv"
	pair "" 0
	a=$(srv_addr "$F" 0)
	set_policy "set $cgs/cli idle=1 intvl=1 cnt=10 user_timeout=2500"
	snap "c$N" c0
	peer srv "$cgs/srv" "s$N" server -w 0 -D "vs$N" "$a" 7001
	wait_line srv 'listening' || return
	peer cli "$cgs/cli" "c$N" client -w 20 "$a" 7001
	wait_line cli 'established' || return
	expect_opts cli established 1 1 1 10 2500
	peer_end cli 12
	expect_eq "client read" "$(pv cli end result)" ETIMEDOUT
	# Probes at 1 s and 2 s; the timer at 3 s finds 2.5 s passed.
	expect_elapsed cli 2.5 5
	snap "c$N" c1
	expect_stats c1 sockets_enforced=1 rounds_started=1 \
		outcome_timeout=1 outcome_ack=0 outcome_rst=0 rounds_abandoned=0
	expect_ge "c1 probes_sent" "$(st c1 probes_sent)" 2
	expect_probes_match c0 c1
}

# --- local close mid-round: abandoned, not an outcome -------------------
t_abandoned() {
	local cgs=/tcpka.slice/$T a t
	cg_make "$cgs/cli" "$cgs/srv"
	pair "" 0
	a=$(srv_addr "$F" 0)
	set_policy "set $cgs/cli idle=1 intvl=2 cnt=3"
	snap "c$N" c0
	# Probe at 1 s is lost; the client gives up and closes at 2 s, before
	# the next probe (3 s).
	peer srv "$cgs/srv" "s$N" server -w 0 -D "vs$N" "$a" 7001
	wait_line srv 'listening' || return
	peer cli "$cgs/cli" "c$N" client -w 2 -s 1.5 "$a" 7001
	peer_end cli 10
	expect_eq "client read" "$(pv cli end result)" ALIVE
	# A loaded VM may run the client's close late: the counts below hold
	# either way (one round, abandoned), so only note it.
	t=$(since_hi cli "$(pv cli end t)")
	_num "$t" && fcmp "$t" le 2.9 ||
		say "note: the client closed ${t}s in (> 2.9 s): after the second probe"
	expect_eq "sample1 rounds_started" "$(pv cli sample1 rounds_started)" 1
	sleep 0.5
	snap "c$N" c1
	expect_stats c1 sockets_enforced=1 rounds_started=1 \
		rounds_abandoned=1 outcome_ack=0 outcome_rst=0 outcome_timeout=0
	expect_ge "c1 probes_sent" "$(st c1 probes_sent)" 1
	expect_probes_match c0 c1
	expect_eq "row cli rounds_abandoned" \
		"$(row c1 "$cgs/cli" rounds_abandoned)" 1
}

# --- 5. mode=default keeps the application's values, mode=force not ------
t_mode() {
	local cgs=/tcpka.slice/$T a pol="idle=1 intvl=1 cnt=2 user_timeout=9000"
	cg_make "$cgs/d" "$cgs/d2" "$cgs/f" "$cgs/srv"
	pair "" 0
	a=$(srv_addr "$F" 0)
	set_policy "set $cgs/d $pol mode=default\nset $cgs/d2 $pol mode=default\nset $cgs/f $pol mode=force"
	peer srv1 "$cgs/srv" "s$N" server -w 0 "$a" 7001
	peer srv2 "$cgs/srv" "s$N" server -w 0 "$a" 7002
	peer srv3 "$cgs/srv" "s$N" server -w 0 "$a" 7003
	wait_line srv1 'listening' && wait_line srv2 'listening' &&
		wait_line srv3 'listening' || return
	peer d "$cgs/d" "c$N" client -i 5 -I 4 -n 7 -u 3000 -w 0 -s 2.7 "$a" 7001
	peer d2 "$cgs/d2" "c$N" client -w 0 -s 2.7 "$a" 7002
	peer f "$cgs/f" "c$N" client -i 5 -I 4 -n 7 -u 3000 -w 0 -s 2.7 "$a" 7003
	wait_line d 'established' && wait_line d2 'established' &&
		wait_line f 'established' || return
	expect_opts d established 1 5 4 7 3000
	expect_opts d2 established 1 1 1 2 9000
	expect_opts f established 1 1 1 2 9000
	for p in d d2 f; do wait_line $p 'sample1' 10 || return; done
	# d's own idle of 5 s holds: no probe yet; f's was overridden to 1 s.
	on_time d d sample1 4.8 &&
		expect_eq "d row probes_sent at 2.7 s" \
			"$(pv d sample1 row_probes_sent)" 0
	expect_ge "f row probes_sent at 2.7 s" "$(pv f sample1 row_probes_sent)" 1
	expect_ge "d2 row probes_sent at 2.7 s" "$(pv d2 sample1 row_probes_sent)" 1
	snap "c$N" c1
	expect_stats c1 sockets_enforced=3
	expect_eq "c1 row f policy" "$(row c1 "$cgs/f" policy)" \
		"idle=1,intvl=1,cnt=2,user_timeout=9000,mode=force,from=$cgs/f"
	expect_eq "c1 row d policy" "$(row c1 "$cgs/d" policy)" \
		"idle=1,intvl=1,cnt=2,user_timeout=9000,mode=default,from=$cgs/d"
}

# --- 6. a parent's policy reaches a child; del ends it ------------------
t_inherit() {
	local cgs=/tcpka.slice/$T a
	cg_make "$cgs/p/c/g" "$cgs/p/o" "$cgs/q" "$cgs/srv"
	pair "" 0
	a=$(srv_addr 4 0)
	set_policy "set $cgs/p idle=3 intvl=2 cnt=4\nset $cgs/p/o idle=5"
	for i in 1 2 3 4 5; do
		peer "srv$i" "$cgs/srv" "s$N" server -w 0 "$a" "700$i"
	done
	for i in 1 2 3 4 5; do wait_line "srv$i" 'listening' || return; done
	peer g "$cgs/p/c/g" "c$N" client -w 0 "$a" 7001
	peer o "$cgs/p/o" "c$N" client -w 0 "$a" 7002
	peer q "$cgs/q" "c$N" client -w 0 "$a" 7003
	wait_line g 'established' && wait_line o 'established' &&
		wait_line q 'established' || return
	expect_opts g established 1 3 2 4 0
	# o's own policy wins over p's, whole: what it leaves out is the
	# kernel's default (75 s, 9 probes).
	expect_opts o established 1 5 75 9 0
	expect_opts q established 0 7200 75 9 0
	snap "c$N" c1
	expect_stats c1 sockets_enforced=2
	expect_eq "c1 row p/c/g sockets_enforced" \
		"$(row c1 "$cgs/p/c/g" sockets_enforced)" 1
	expect_eq "c1 row p/c/g policy" "$(row c1 "$cgs/p/c/g" policy)" \
		"idle=3,intvl=2,cnt=4,mode=default,from=$cgs/p"
	expect_eq "c1 row p/o policy" "$(row c1 "$cgs/p/o" policy)" \
		"idle=5,mode=default,from=$cgs/p/o"
	expect_eq "c1 row p policy" "$(row c1 "$cgs/p" policy)" \
		"idle=3,intvl=2,cnt=4,mode=default,from=$cgs/p"
	expect_eq "c1 row q (no counts, no policy)" "$(row c1 "$cgs/q" policy)" NA
	set_policy "del $cgs/p"
	expect_eq "del of a cgroup without policy" "$(policy "del $cgs/p")" \
		"write ENOENT"
	peer g2 "$cgs/p/c/g" "c$N" client -w 0 "$a" 7004
	peer o2 "$cgs/p/o" "c$N" client -w 0 "$a" 7005
	wait_line g2 'established' && wait_line o2 'established' || return
	expect_opts g2 established 0 7200 75 9 0
	expect_opts o2 established 1 5 75 9 0
	snap "c$N" c2
	expect_stats c2 sockets_enforced=3
	expect_eq "c2 row p/c/g policy" "$(row c2 "$cgs/p/c/g" policy)" -
	expect_eq "c2 row p/c/g sockets_enforced" \
		"$(row c2 "$cgs/p/c/g" sockets_enforced)" 1
}

# --- 7. counters: probes_sent == TCPKeepAlive, rows add up ----------------
t_counters() {
	local cgs=/tcpka.slice/$T a4 a6 x6
	cg_make "$cgs/a" "$cgs/b" "$cgs/c" "$cgs/e" "$cgs/srv"
	pair "" 0
	pair x 1
	a4=$(srv_addr 4 0)
	a6=$(srv_addr 6 0)
	x6=$(srv_addr 6 1)
	set_policy "set $cgs/a idle=1 intvl=1 cnt=2\nset $cgs/b idle=1 intvl=1 cnt=3\nset $cgs/e idle=2 intvl=1 cnt=2"
	snap "c$N" c0
	peer sa "$cgs/srv" "s$N" server -w 0 -R 0 "$a4" 7001
	peer sb "$cgs/srv" "s$N" server -w 0 "$a6" 7002
	peer sc "$cgs/srv" "s$N" server -w 0 "$a4" 7003
	peer se "$cgs/srv" "s${N}x" server -w 0 -D "vs${N}x" "$x6" 7004
	for p in sa sb sc se; do wait_line $p 'listening' || return; done
	peer a "$cgs/a" "c$N" client -w 12 "$a4" 7001
	peer b "$cgs/b" "c$N" client -w 5 "$a6" 7002
	peer c "$cgs/c" "c$N" client -k -i 1 -I 1 -n 2 -w 5 "$a4" 7003
	peer e "$cgs/e" "c$N" client -w 12 "$x6" 7004
	for p in a b c e; do wait_line $p 'established' || return; done
	for p in a b c e; do peer_end $p 12; done
	expect_eq "a read" "$(pv a end result)" ECONNRESET
	expect_eq "b read" "$(pv b end result)" ALIVE
	expect_eq "c read" "$(pv c end result)" ALIVE
	expect_eq "e read" "$(pv e end result)" ETIMEDOUT
	snap "c$N" c1
	expect_probes_match c0 c1
	expect_rows_sum c1
	expect_stats c1 sockets_enforced=3 outcome_rst=1 outcome_timeout=1
	expect_ge "c1 outcome_ack" "$(st c1 outcome_ack)" 4
	expect_eq "row a outcome_rst" "$(row c1 "$cgs/a" outcome_rst)" 1
	expect_eq "row a probes_sent" "$(row c1 "$cgs/a" probes_sent)" 1
	expect_eq "row e outcome_timeout" "$(row c1 "$cgs/e" outcome_timeout)" 1
	expect_eq "row e probes_sent" "$(row c1 "$cgs/e" probes_sent)" 2
	expect_ge "row b outcome_ack" "$(row c1 "$cgs/b" outcome_ack)" 2
	expect_eq "row b sockets_enforced" "$(row c1 "$cgs/b" sockets_enforced)" 1
	# c has no policy: not enforced, but its probes and rounds count.
	expect_eq "row c sockets_enforced" "$(row c1 "$cgs/c" sockets_enforced)" 0
	expect_ge "row c probes_sent" "$(row c1 "$cgs/c" probes_sent)" 3
	expect_ge "row c outcome_ack" "$(row c1 "$cgs/c" outcome_ack)" 2
	expect_eq "row c policy" "$(row c1 "$cgs/c" policy)" -
}

# --- 9b. net.tcpka.enabled ----------------------------------------------
t_enabled() {
	local cgs=/tcpka.slice/$T a r sys=/proc/sys/net/tcpka/enabled
	cg_make "$cgs/e" "$cgs/k"
	pair "" 0
	a=$(srv_addr 4 0)
	set_policy "set $cgs/e idle=1 intvl=1 cnt=2"
	expect_eq "c enabled" "$(in_ns "c$N" cat $sys 2>&1)" 1
	in_ns "c$N" sh -c "echo 0 >$sys" || fail "echo 0 >$sys failed"
	expect_eq "c enabled after echo 0" "$(in_ns "c$N" cat $sys 2>&1)" 0
	expect_eq "s enabled" "$(in_ns "s$N" cat $sys 2>&1)" 1
	r=$(printf 2 | in_ns "c$N" "$PEER" write $sys)
	expect_ne "write 2 to enabled" "$r" ok
	expect_eq "c enabled after 2" "$(in_ns "c$N" cat $sys 2>&1)" 0
	snap "c$N" c0
	# The servers are in the policy's cgroup too: their netns still
	# enforces.
	peer s1 "$cgs/e" "s$N" server -w 0 "$a" 7001
	peer s2 "$cgs/e" "s$N" server -w 0 "$a" 7002
	peer s3 "$cgs/e" "s$N" server -w 0 "$a" 7003
	for p in s1 s2 s3; do wait_line $p 'listening' || return; done
	peer off "$cgs/e" "c$N" client -w 0 "$a" 7001
	peer own "$cgs/k" "c$N" client -k -i 1 -I 1 -n 2 -w 0 "$a" 7002
	wait_line off 'established' && wait_line own 'established' &&
		wait_line s1 'established' || return
	expect_opts off established 0 7200 75 9 0
	expect_opts s1 established 1 1 1 2 0
	sleep_until "$(tplus "$(est own)" 2.5)"
	snap "c$N" c1
	# Counting goes on while enforcement is off.
	expect_stats c1 sockets_enforced=0
	expect_ge "c1 probes_sent" "$(st c1 probes_sent)" 1
	expect_probes_match c0 c1
	in_ns "c$N" sh -c "echo 1 >$sys" || fail "echo 1 >$sys failed"
	expect_eq "c enabled after echo 1" "$(in_ns "c$N" cat $sys 2>&1)" 1
	peer on "$cgs/e" "c$N" client -w 0 "$a" 7003
	wait_line on 'established' || return
	expect_opts on established 1 1 1 2 0
	snap "c$N" c2
	expect_stats c2 sockets_enforced=1
}

# --- the half-open suspects: /proc/net/tcpka/probing --------------------
# probing_row TAG REMOTE COLUMN: a column of the row of a probing snapshot
# whose remote end is REMOTE.
probing_row() { cell "$D/$1.probing" "$3" "remote=$2"; }

t_probing() {
	local cgs=/tcpka.slice/$T a4 a6 ax r4 r6 t ck
	cg_make "$cgs/cli" "$cgs/idle" "$cgs/srv"
	pair "" 0
	pair "b" 1
	pair "x" 2
	a4=$(srv_addr 4 0)
	a6=$(srv_addr 6 1)
	ax=$(srv_addr 4 2)
	r4="$a4:7001"
	r6="[fd00:$N:1::2]:7002"
	set_policy "set $cgs/cli idle=1 intvl=2 cnt=2\nset $cgs/idle idle=300"
	snap "c$N" c0
	# Two half-open connections (each server's link goes down at
	# accept), one idle connection that is not probed yet.
	peer srv4 "$cgs/srv" "s$N" server -w 0 -D "vs$N" "$a4" 7001
	peer srv6 "$cgs/srv" "s${N}b" server -w 0 -D "vs${N}b" "$a6" 7002
	peer srvx "$cgs/srv" "s${N}x" server -w 0 "$ax" 7003
	for p in srv4 srv6 srvx; do wait_line $p 'listening' || return; done
	peer c4 "$cgs/cli" "c$N" client -w 20 "$a4" 7001
	peer c6 "$cgs/cli" "c$N" client -w 20 "$a6" 7002
	peer cx "$cgs/idle" "c$N" client -w 0 "$ax" 7003
	for p in c4 c6 cx; do wait_line $p 'established' || return; done
	# First probes at 1 s, second at 3 s, verdicts at 5 s.
	t=$(est c4)
	[ "$(awk -v a="$(est c6)" -v b="$t" 'BEGIN { print a > b }')" = 1 ] &&
		t=$(est c6)
	sleep_until "$(tplus "$t" 1.8)"
	"$PEER" cat "/run/netns/c$N" $PROC/probing "$D/p1.probing"
	t=$(since_lo c4 "$(uptime_now)")
	expect_eq "probing mode" "$(stat -c %a $PROC/probing)" 400
	expect_eq "probing header" "$(head -1 "$D/p1.probing")" \
		"cookie local remote cgroup probes idle next"
	# Only this netns's sockets with unanswered probes: not cx.
	expect_eq "probing rows" "$(($(wc -l <"$D/p1.probing") - 1))" 2
	if awk -v t="$t" 'BEGIN { exit !(t < 2.8) }'; then
		expect_eq "v4 probes" "$(probing_row p1 "$r4" probes)" 1/2
		expect_eq "v6 probes" "$(probing_row p1 "$r6" probes)" 1/2
		expect_range "v4 next (s)" "$(probing_row p1 "$r4" next)" 0 2
	fi
	expect_eq "v4 cgroup" "$(probing_row p1 "$r4" cgroup)" "$cgs/cli"
	expect_eq "v6 cgroup" "$(probing_row p1 "$r6" cgroup)" "$cgs/cli"
	expect_eq "v4 local" "$(probing_row p1 "$r4" local | cut -d: -f1)" \
		"10.$N.0.1"
	expect_eq "v6 local" "$(probing_row p1 "$r6" local | sed 's/\]:.*//')" \
		"[fd00:$N:1::1"
	expect_range "v4 idle (s)" "$(probing_row p1 "$r4" idle)" 1 4
	# The cookie is the socket's, as ss -e shows it (sk:, in hex), while
	# the socket lasts (5 s: a debug kernel's shell may get here later).
	ck=$(in_ns "c$N" ss -tne dst "$a4" | sed -n 's/.* sk:\([0-9a-f]*\).*/\1/p' | head -1)
	t=$(since_lo c4 "$(uptime_now)")
	if [ -n "$ck" ] || awk -v t="$t" 'BEGIN { exit !(t < 4.5) }'; then
		expect_eq "v4 cookie (ss: sk:$ck)" "$(probing_row p1 "$r4" cookie)" \
			"$(printf %d "0x${ck:-0}")"
	fi
	peer_end c4 15 && peer_end c6 15
	expect_eq "c4 read" "$(pv c4 end result)" ETIMEDOUT
	expect_eq "c6 read" "$(pv c6 end result)" ETIMEDOUT
	"$PEER" cat "/run/netns/c$N" $PROC/probing "$D/p2.probing"
	expect_eq "probing rows after the verdicts" "$(wc -l <"$D/p2.probing")" 1
	snap "c$N" c1
	# One round each, two probes each on the wire. A probe dropped on
	# this host (the kernel retries it) counts in probes_sent as in
	# TCPKeepAlive, but is no probe of a round and no answer.
	expect_stats c1 outcome_timeout=2 rounds_started=2 outcome_ack=0
	expect_ge "c1 probes_sent" "$(st c1 probes_sent)" 4
	expect_probes_match c0 c1
	# From the handshake to the verdict: about 5 s each.
	expect_eq "time_to_detect count" "$(hist c1 "$cgs/cli" time_to_detect count)" 2
	expect_eq "time_to_detect le_4" "$(hist c1 "$cgs/cli" time_to_detect le_4)" 0
	expect_eq "time_to_detect le_16" "$(hist c1 "$cgs/cli" time_to_detect le_16)" 2
	expect_range "time_to_detect sum_ms" \
		"$(hist c1 "$cgs/cli" time_to_detect sum_ms)" 8000 32000
	expect_eq "idle cgroup histograms" "$(hist c1 "$cgs/idle" time_to_detect count)" NA
	expect_rows_sum c1
}

# --- user_timeout on unacked data: its own outcome ----------------------
t_uto_data() {
	local cgs=/tcpka.slice/$T a wt e
	cg_make "$cgs/cli" "$cgs/srv"
	pair "" 0
	a=$(srv_addr "$F" 0)
	set_policy "set $cgs/cli idle=30 intvl=1 cnt=5 user_timeout=2000"
	snap "c$N" c0
	peer srv "$cgs/srv" "s$N" server -w 0 "$a" 7001
	wait_line srv 'listening' || return
	# 64 bytes, written once the server's address is gone (SIGUSR1 after
	# the flush): its kernel drops them silently (the link and the
	# client's neighbour entry stay up). Keepalive never probes a socket
	# with unacked data; the retransmission timer gives up 2 s
	# (user_timeout) after the write.
	peer cli "$cgs/cli" "c$N" client -w 30 -W sig "$a" 7001
	wait_line cli 'established' && wait_line srv 'established' || return
	in_ns "s$N" ip addr flush dev "vs$N" || fail "ip addr flush"
	kill -USR1 "$(cat "$D/cli.pid")"
	expect_opts cli established 1 30 1 5 2000
	peer_end cli 20
	wt=$(pv cli wrote t)
	expect_eq "client wrote" "$(pv cli wrote bytes)" 64
	expect_eq "client read" "$(pv cli end result)" ETIMEDOUT
	e=$(pv cli end t)
	case "$e$wt" in *NA*) fail "no end or wrote time" ;; *)
		# user_timeout counts from the first retransmission; IPv6's
		# neighbour discovery failing on the way can delay that.
		expect_range "read ended after the write (s)" "$(fsub "$e" "$wt")" 1.8 10 ;;
	esac
	snap "c$N" c1
	# No probe left: the verdict counts as a round of its own, so that
	# the outcomes add up to rounds_started.
	expect_stats c1 sockets_enforced=1 outcome_user_timeout=1 \
		outcome_timeout=0 outcome_rst=0 outcome_ack=0 probes_sent=0 \
		rounds_started=1 rounds_abandoned=0 rounds_in_progress=0
	expect_eq "TCPKeepAlive delta" "$(delta c0 c1 ka)" 0
	expect_eq "row cli outcome_user_timeout" \
		"$(row c1 "$cgs/cli" outcome_user_timeout)" 1
	expect_eq "time_to_detect count" "$(hist c1 "$cgs/cli" time_to_detect count)" 1
	expect_eq "time_to_detect le_inf" "$(hist c1 "$cgs/cli" time_to_detect le_inf)" 1
	expect_rows_sum c1
}

# --- a policy change reaches established sockets ------------------------
t_rearm() {
	local cgs=/tcpka.slice/$T a w o
	cg_make "$cgs/cli" "$cgs/other" "$cgs/srv"
	pair "" 0
	a=$(srv_addr 4 0)
	set_policy "set $cgs/cli idle=30"
	for i in 1 2 3; do
		peer "srv$i" "$cgs/srv" "s$N" server -w 0 "$a" "700$i"
	done
	for i in 1 2 3; do wait_line "srv$i" 'listening' || return; done
	# The options are read again when SIGUSR1 comes, after the policy
	# write below, however long a slow VM's shell takes to get there.
	peer a "$cgs/cli" "c$N" client -w 0 -O sig -s 1.7 -s 3.6 "$a" 7001
	peer b "$cgs/cli" "c$N" client -i 20 -w 0 -O sig "$a" 7002
	peer o "$cgs/other" "c$N" client -w 0 -O sig "$a" 7003
	for p in a b o; do wait_line $p 'established' || return; done
	snap "c$N" c0
	set_policy "set $cgs/cli idle=2 intvl=1 cnt=2"
	w=$(since_hi a "$(uptime_now)")
	for p in a b o; do kill -USR1 "$(cat "$D/$p.pid")"; done
	expect_opts a established 1 30 75 9 0
	expect_opts b established 1 20 75 9 0
	for p in a b o; do wait_line $p 'opts' || return; done
	# a: the new policy's values replace the old policy's.
	expect_opts a opts 1 2 1 2 0
	# b set its own idle: kept (mode=default); the rest is filled.
	expect_opts b opts 1 20 1 2 0
	expect_opts o opts 0 7200 75 9 0
	wait_line a 'sample2' 10 || return
	snap "c$N" c1
	# The first probe leaves at the new idle time, counted from the
	# connection's last activity (2 s), not 30 s after it, and not 2 s
	# after the policy write.
	if awk -v w="$w" 'BEGIN { exit !(w <= 1.5) }'; then
		expect_eq "a probes at 1.7 s (policy written at ${w}s)" \
			"$(pv a sample1 row_probes_sent)" 0
		expect_eq "a probes at 3.6 s (policy written at ${w}s)" \
			"$(pv a sample2 row_probes_sent)" 1
	fi
	expect_ge "c1 row cli probes_sent" "$(row c1 "$cgs/cli" probes_sent)" 1
	expect_stats c1 sockets_enforced=2 sockets_rearmed=2
	expect_eq "c1 row cli sockets_rearmed" "$(row c1 "$cgs/cli" sockets_rearmed)" 2
	# The same policy again changes nothing.
	set_policy "set $cgs/cli idle=2 intvl=1 cnt=2"
	snap "c$N" c2
	expect_stats c2 sockets_rearmed=2
	expect_probes_match c0 c2
}

# --- net.tcpka.dry_run: count, change nothing ---------------------------
t_dry_run() {
	local cgs=/tcpka.slice/$T a r sys=/proc/sys/net/tcpka/dry_run
	cg_make "$cgs/cli" "$cgs/srv"
	pair "" 0
	a=$(srv_addr 4 0)
	expect_eq "dry_run default" "$(in_ns "c$N" cat $sys 2>&1)" 0
	in_ns "c$N" sh -c "echo 1 >$sys" || fail "echo 1 >$sys failed"
	r=$(printf 2 | in_ns "c$N" "$PEER" write $sys)
	expect_eq "write 2 to dry_run" "$r" "write EINVAL"
	expect_eq "dry_run after 2" "$(in_ns "c$N" cat $sys 2>&1)" 1
	set_policy "set $cgs/cli idle=1 intvl=1 cnt=2"
	snap "c$N" c0
	peer s1 "$cgs/srv" "s$N" server -w 0 "$a" 7001
	peer s2 "$cgs/srv" "s$N" server -w 0 "$a" 7002
	wait_line s1 'listening' && wait_line s2 'listening' || return
	peer d "$cgs/cli" "c$N" client -w 0 -s 3 -O sig "$a" 7001
	wait_line d 'established' || return
	# Nothing on the socket, nothing on the wire.
	expect_opts d established 0 7200 75 9 0
	wait_line d 'sample1' 10 || return
	expect_eq "d probes at 3 s" "$(pv d sample1 probes_sent)" 0
	expect_eq "d TCPKeepAlive at 3 s" "$(pv d sample1 tcpkeepalive)" 0
	expect_eq "d dry_run_matched at 3 s" "$(pv d sample1 dry_run_matched)" 1
	# A policy change on an established socket: counted, not applied.
	set_policy "set $cgs/cli idle=2 intvl=1 cnt=2"
	kill -USR1 "$(cat "$D/d.pid")"
	wait_line d 'opts' || return
	expect_opts d opts 0 7200 75 9 0
	snap "c$N" c1
	expect_stats c1 sockets_enforced=0 sockets_rearmed=0 dry_run_matched=2 \
		probes_sent=0
	expect_eq "c1 row cli dry_run_matched" "$(row c1 "$cgs/cli" dry_run_matched)" 2
	expect_eq "TCPKeepAlive delta" "$(delta c0 c1 ka)" 0
	in_ns "c$N" sh -c "echo 0 >$sys" || fail "echo 0 >$sys failed"
	peer e "$cgs/cli" "c$N" client -w 0 "$a" 7002
	wait_line e 'established' || return
	expect_opts e established 1 2 1 2 0
	snap "c$N" c2
	expect_stats c2 sockets_enforced=1 dry_run_matched=2
}

# --- tcpka:* tracepoints, read through tracefs --------------------------
t_tracepoints() {
	local cgs=/tcpka.slice/$T a tr=/sys/kernel/tracing cg ck
	cg_make "$cgs/cli" "$cgs/srv"
	pair "" 0
	a=$(srv_addr 4 0)
	[ -e $tr/events ] || mount -t tracefs nodev $tr 2>/dev/null
	[ -e $tr/events/tcpka ] || { fail "no $tr/events/tcpka"; return; }
	echo 1 >$tr/events/tcpka/enable || fail "enable tcpka events"
	cg=$(stat -c %i "$CG$cgs/cli")
	set_policy "set $cgs/cli idle=1 intvl=1 cnt=2"
	peer srv "$cgs/srv" "s$N" server -w 0 -R 0 "$a" 7001
	wait_line srv 'listening' || return
	peer cli "$cgs/cli" "c$N" client -w 12 "$a" 7001
	peer_end cli 10
	expect_eq "client read" "$(pv cli end result)" ECONNRESET
	grep -E " tcpka_(policy_applied|round_end): .*cgroup_id=$cg " $tr/trace >"$D/trace"
	echo 0 >$tr/events/tcpka/enable
	grep -qE "tcpka_policy_applied: cookie=[0-9]+ cgroup_id=$cg policy_cgroup_id=$cg how=established dry_run=0 idle=1 intvl=1 cnt=2 user_timeout=0 mode=default src=\[::ffff:10\.$N\.0\.1\]:[0-9]+ dst=\[::ffff:10\.$N\.0\.2\]:7001$" "$D/trace" ||
		fail "no tcpka_policy_applied event ($(tr '\n' '|' <"$D/trace"))"
	grep -qE "tcpka_round_end: cookie=[0-9]+ cgroup_id=$cg outcome=rst probes=1/2 idle_ms=[0-9]+ detect_ms=[0-9]+ src=\[::ffff:10\.$N\.0\.1\]:[0-9]+ dst=\[::ffff:10\.$N\.0\.2\]:7001$" "$D/trace" ||
		fail "no tcpka_round_end rst event ($(tr '\n' '|' <"$D/trace"))"
	# Both name the same socket.
	ck=$(sed -n 's/.* cookie=\([0-9]*\) .*/\1/p' "$D/trace" | sort -u | wc -l)
	expect_eq "distinct cookies in the events" "$ck" 1
}

# --- scripts/tcpkactl against the real module (busybox sh) --------------
# ctl ARGS...: run tcpkactl; output in $D/ctl.out, exit status echoed.
ctl() {
	sh /selftests/tcpkactl "$@" >"$D/ctl.out" 2>&1
	echo $?
}

t_tcpkactl() {
	local cgs=/tcpka.slice/$T a saved
	cg_make "$cgs/cli" "$cgs/srv"
	pair "" 0
	a=$(srv_addr 4 0)
	expect_eq "status" "$(ctl status)" 0
	# A path under the cgroup2 mount point names the cgroup.
	expect_eq "set" "$(ctl set "$CG$cgs/cli" idle=1 intvl=1 cnt=2)" 0
	grep -qxF "set $cgs/cli idle=1 intvl=1 cnt=2" $PROC/policy ||
		fail "policy file after tcpkactl set: $(cat $PROC/policy)"
	expect_eq "set idle=0 (usage)" "$(ctl set "$cgs/cli" idle=0)" 2
	# A cgroup that does not exist yet: accepted, pending, said so.
	expect_eq "set of a missing cgroup" "$(ctl set "$cgs/nope" idle=5)" 0
	grep -q "note: cgroup $cgs/nope does not exist (yet)" "$D/ctl.out" ||
		fail "no note on the pending policy: $(cat "$D/ctl.out")"
	expect_eq "status" "$(ctl status)" 0
	grep -qx "pending: *$cgs/nope" "$D/ctl.out" ||
		fail "status lists no pending policy: $(tr '\n' '|' <"$D/ctl.out")"
	expect_eq "del of a pending policy" "$(ctl del "$cgs/nope")" 0
	expect_eq "del of no policy (kernel: ENOENT)" "$(ctl del "$cgs/nope")" 1
	grep -q "ENOENT: cgroup $cgs/nope has no policy" "$D/ctl.out" ||
		fail "no message naming the path: $(cat "$D/ctl.out")"
	saved=$(cat $PROC/policy)
	peer srv "$cgs/srv" "s$N" server -w 0 -R 0 "$a" 7001
	wait_line srv 'listening' || return
	peer cli "$cgs/cli" "c$N" client -w 12 "$a" 7001
	peer_end cli 10
	expect_eq "client read" "$(pv cli end result)" ECONNRESET
	expect_eq "stats" "$(in_ns "c$N" sh /selftests/tcpkactl stats >"$D/stats.out" 2>&1; echo $?)" 0
	grep -Eq "^outcome_rst +1$" "$D/stats.out" ||
		fail "tcpkactl stats: $(tr '\n' '|' <"$D/stats.out")"
	expect_eq "prometheus" "$(in_ns "c$N" sh /selftests/tcpkactl prometheus >"$D/prom" 2>&1; echo $?)" 0
	for l in "tcpka_outcome_rst_total 1" \
		"tcpka_cgroup_outcome_rst_total{cgroup=\"$cgs/cli\"} 1" \
		"tcpka_cgroup_idle_at_reset_seconds_count{cgroup=\"$cgs/cli\"} 1" \
		"tcpka_cgroup_idle_at_reset_seconds_bucket{cgroup=\"$cgs/cli\",le=\"+Inf\"} 1" \
		"tcpka_cgroup_idle_at_reset_seconds_bucket{cgroup=\"$cgs/cli\",le=\"1\"} 0"; do
		grep -qxF "$l" "$D/prom" || fail "prometheus: no line '$l'"
	done
	# save, flush, restore: the same table.
	sh /selftests/tcpkactl save >"$D/saved" || fail "save"
	expect_eq "flush" "$(ctl flush)" 0
	expect_eq "policy after flush" "$(cat $PROC/policy)" ""
	expect_eq "restore" "$(ctl restore "$D/saved")" 0
	expect_eq "policy after restore" "$(cat $PROC/policy)" "$saved"
	# At boot, services have not started: a restore naming cgroups that
	# do not exist yet succeeds, and they get their policy once created.
	printf 'set %s/boot/a idle=4\nset %s/boot/b intvl=3\n' "$cgs" "$cgs" \
		>>"$D/saved"
	expect_eq "restore of cgroups not created yet" "$(ctl restore "$D/saved")" 0
	expect_eq "pending after restore" \
		"$(grep "^$cgs/boot/" $PROC/policy_state | tr '\n' '|')" \
		"$cgs/boot/a pending|$cgs/boot/b pending|"
	cg_make "$cgs/boot/a"
	wait_state "$cgs/boot/a" bound
	expect_eq "restore back" "$(ctl restore "$D/saved")" 0
	set_policy "del $cgs/boot/a\ndel $cgs/boot/b"
	expect_eq "del" "$(ctl del "$cgs/cli")" 0
	grep -q " $cgs/cli " $PROC/policy && fail "policy still there after del"
	return 0
}

# --- module parameters --------------------------------------------------
t_module_params() {
	local cgs=/tcpka.slice/$T a p r
	mod_unload 2>/dev/null
	for p in idle=32768 intvl=32768 cnt=128 user_timeout=2147483648 \
		user_timeout=-2 mode=bogus idle=abc idle=-1 cnt=1x enabled=2 \
		addr_loss=3601 addr_loss=-2; do
		r=$(mod_load "$p")
		expect_eq "insmod $p" "$r" EINVAL
		[ "$r" = ok ] && mod_unload
	done
	# 0 is how the module says "not given": refused, or no policy.
	for p in idle=0 intvl=0 cnt=0; do
		r=$(mod_load "$p")
		case $r in
		EINVAL) ;;
		ok)
			expect_eq "policy after insmod $p" \
				"$(cat $PROC/policy 2>&1)" ""
			mod_unload
			;;
		*) fail "insmod $p: $r, expected EINVAL or ok" ;;
		esac
	done
	r=$(mod_load addr_loss=0)
	expect_eq "insmod addr_loss=0" "$r" ok
	expect_eq "policy after insmod addr_loss=0" "$(cat $PROC/policy 2>&1)" \
		"set / addr_loss=0"
	[ "$r" = ok ] && mod_unload
	r=$(mod_load idle=2 intvl=1 cnt=3 mode=force)
	expect_eq "insmod idle=2 intvl=1 cnt=3 mode=force" "$r" ok
	expect_eq "policy after insmod" "$(cat $PROC/policy 2>&1)" \
		"set / idle=2 intvl=1 cnt=3 mode=force"
	cg_make "$cgs/child" "$cgs/srv"
	pair "" 0
	a=$(srv_addr 4 0)
	peer s1 "$cgs/srv" "s$N" server -w 0 "$a" 7001
	peer s2 "$cgs/srv" "s$N" server -w 0 "$a" 7002
	wait_line s1 'listening' && wait_line s2 'listening' || return
	peer root / "c$N" client -i 9 -w 0 "$a" 7001
	peer child "$cgs/child" "c$N" client -w 0 "$a" 7002
	wait_line root 'established' && wait_line child 'established' || return
	expect_opts root established 1 2 1 3 0
	expect_opts child established 1 2 1 3 0
	snap "c$N" c1
	expect_stats c1 sockets_enforced=2
	expect_eq "row / policy" "$(row c1 / policy)" \
		"idle=2,intvl=1,cnt=3,mode=force,from=/"
	expect_eq "row child policy" "$(row c1 "$cgs/child" policy)" \
		"idle=2,intvl=1,cnt=3,mode=force,from=/"
	kill_peers
	mod_unload || fail "rmmod failed"
	r=$(mod_load enabled=0)
	expect_eq "insmod enabled=0" "$r" ok
	expect_eq "enabled (init netns)" "$(cat /proc/sys/net/tcpka/enabled 2>&1)" 0
	expect_eq "enabled (netns c$N)" \
		"$(in_ns "c$N" cat /proc/sys/net/tcpka/enabled 2>&1)" 0
	expect_eq "enabled (new netns)" \
		"$(unshare -n cat /proc/sys/net/tcpka/enabled 2>&1)" 0
	expect_eq "policy without parameters" "$(cat $PROC/policy 2>&1)" ""
	mod_unload || fail "rmmod failed"
	r=$(mod_load)
	expect_eq "insmod" "$r" ok
	expect_eq "enabled (new netns)" \
		"$(unshare -n cat /proc/sys/net/tcpka/enabled 2>&1)" 1
	expect_eq "policy without parameters" "$(cat $PROC/policy 2>&1)" ""
}

# --- 8. the policy file's grammar ---------------------------------------
# EXPECTED|TEXT (printf %b): each write must fail and change nothing.
BAD_WRITES='EINVAL|bogus /tcpka.slice/pf/a
EINVAL|SET /tcpka.slice/pf/a idle=1
EINVAL|set /tcpka.slice/pf/a foo=1
EINVAL|set /tcpka.slice/pf/a IDLE=1
EINVAL|set /tcpka.slice/pf/a idle=0
EINVAL|set /tcpka.slice/pf/a idle=32768
EINVAL|set /tcpka.slice/pf/a intvl=0
EINVAL|set /tcpka.slice/pf/a intvl=32768
EINVAL|set /tcpka.slice/pf/a cnt=0
EINVAL|set /tcpka.slice/pf/a cnt=128
EINVAL|set /tcpka.slice/pf/a user_timeout=2147483648
EINVAL|set /tcpka.slice/pf/a user_timeout=-1
EINVAL|set /tcpka.slice/pf/a idle=-1
EINVAL|set /tcpka.slice/pf/a idle=+5
EINVAL|set /tcpka.slice/pf/a idle=0x10
EINVAL|set /tcpka.slice/pf/a idle=1e3
EINVAL|set /tcpka.slice/pf/a user_timeout=1.5
EINVAL|set /tcpka.slice/pf/a idle=5x
EINVAL|set /tcpka.slice/pf/a cnt=99999999999999999999
EINVAL|set /tcpka.slice/pf/a idle=
EINVAL|set /tcpka.slice/pf/a idle
EINVAL|set /tcpka.slice/pf/a =5
EINVAL|set /tcpka.slice/pf/a idle=1 idle=2
EINVAL|set /tcpka.slice/pf/a mode=force mode=default
EINVAL|set /tcpka.slice/pf/a mode=fast
EINVAL|set /tcpka.slice/pf/a mode=
EINVAL|set /tcpka.slice/pf/a idle=1 extra
EINVAL|set tcpka.slice/pf/a idle=1
EINVAL|set
EINVAL|del
EINVAL|del tcpka.slice/pf/g
EINVAL|del /tcpka.slice/pf/g extra
EINVAL|flush now
EINVAL|set /tcpka.slice/pf/a idle=1\nbogus
EINVAL|flush\nset /tcpka.slice/pf/a cnt=0
EINVAL|del /tcpka.slice/pf/g\nset /tcpka.slice/pf/a idle=1 idle=1
EINVAL|set /tcpka.slice/pf/../pf/a idle=1
EINVAL|set /tcpka.slice/./pf/a idle=1
EINVAL|del /tcpka.slice/pf/g/..
ENOENT|del /tcpka.slice/pf/nonexistent
ENOENT|del /tcpka.slice/pf/b
ENOENT|set /tcpka.slice/pf/nonexistent idle=1\ndel /tcpka.slice/pf/b
ENOENT|del /tcpka.slice/pf/g\ndel /tcpka.slice/pf/b
ENOENT|flush\ndel /tcpka.slice/pf/a'

# long_path LEN: an existing cgroup path of exactly LEN characters (>= 30).
long_path() {
	local base=/tcpka.slice/pf/L n=$(($1 - 17)) p a
	p=$base
	while [ "$n" -gt 0 ]; do
		a=$((n - 1))
		[ $a -gt 250 ] && a=250
		[ $((n - 1 - a)) -gt 0 ] && [ $((n - 1 - a)) -lt 2 ] && a=$((a - 2))
		p=$p/$(printf "%${a}s" | tr ' ' x)
		n=$((n - 1 - a))
	done
	cg_make "$p"
	echo "$p"
}

# pol_is WHAT: the policy file still reads as $D/base.
pol_is() {
	cat $PROC/policy >"$D/now" 2>&1
	cmp -s "$D/base" "$D/now" ||
		fail "$1: policy changed: $(tr '\n' '|' <"$D/now")"
}

t_policy_file() {
	local pf=/tcpka.slice/pf exp text r n=0 p line
	cg_make $pf/a $pf/b $pf/c $pf/g $pf/h
	# No setsockopt hook without a mode=force policy; with one,
	# tcp_setsockopt, and SO_KEEPALIVE through tcp_set_keepalive: never
	# sock_setsockopt (every SOL_SOCKET option of every socket).
	set_policy "flush\nset $pf/h intvl=3 mode=default"
	expect_eq "hooked, mode=default" "$(hooked_functions)" \
		"tcp_keepalive_timer tcp_set_keepalive tcp_write_wakeup"
	set_policy "flush\nset $pf/g idle=7 mode=force\nset $pf/h intvl=3 cnt=4 user_timeout=100"
	expect_eq "hooked, mode=force" "$(hooked_functions)" \
		"tcp_keepalive_timer tcp_set_keepalive tcp_setsockopt tcp_write_wakeup"
	cat $PROC/policy >"$D/base" 2>&1
	expect_eq "policy" "$(sort "$D/base" | tr '\n' '|')" \
		"set $pf/g idle=7 mode=force|set $pf/h intvl=3 cnt=4 user_timeout=100|"
	# One tcpka_peer run writes them all and compares the file around
	# each write: a shell pipeline per case is slow on a debug kernel.
	echo "$BAD_WRITES" >"$D/bad"
	"$PEER" writes $PROC/policy <"$D/bad" >"$D/bad.out" 2>&1
	while IFS='|' read -r exp text; do
		n=$((n + 1))
		r=NA
		while read -r i _ got same; do
			[ "$i" = "$n" ] && r="$got $same"
		done <"$D/bad.out"
		expect_eq "bad write $n '$text'" "$r" "$exp same"
	done <"$D/bad"
	pol_is "after the bad writes"
	# Longest line: 1024 bytes without its newline (the longest path, 950
	# bytes, and a value with leading zeros).
	p=$(long_path 950)
	line="set $p idle=$(printf '%064d' 1)"
	expect_eq "long line length" "${#line}" 1024
	r=$(policy "set $p idle=$(printf '%065d' 1)\n")
	expect_eq "write of a 1025-byte line" "$r" "write EINVAL"
	pol_is "1025-byte line"
	r=$(policy "set $(long_path 951) idle=1\n")
	expect_eq "write of a 951-byte path" "$r" "write ENAMETOOLONG"
	pol_is "951-byte path"
	n=$((n + 1))
	r=$(awk 'BEGIN { for (i = 0; i < 656; i++) printf "#%098d\n", i }' |
		"$PEER" write $PROC/policy)
	expect_eq "write of 65600 bytes" "$r" "write EINVAL"
	pol_is "65600-byte write"
	n=$((n + 1))
	expect_ge "bad writes tried" "$n" 25
	set_policy "$line\n"
	expect_eq "1024-byte line" "$(grep -c "^set $p idle=1\$" $PROC/policy)" 1
	set_policy "del $p"
	# 65536 bytes exactly: accepted.
	awk -v pf=$pf 'BEGIN { printf "set %s/a idle=1\n", pf;
		for (i = 0; i < 655; i++) printf "#%098d\n", i; printf "#xxxxx\n" }' \
		>"$D/big"
	expect_eq "big write size" "$(wc -c <"$D/big")" 65536
	r=$("$PEER" write $PROC/policy <"$D/big")
	expect_eq "write of 65536 bytes" "$r" ok
	expect_eq "after 65536 bytes" "$(grep "^set $pf/a " $PROC/policy)" \
		"set $pf/a idle=1"
	# Several lines, comments, blank lines, no final newline.
	set_policy "# selftest\n\nset $pf/b mode=force cnt=3 idle=10\nset $pf/a user_timeout=5000 intvl=2\ndel $pf/g\n#\nset $pf/h idle=1 intvl=2 cnt=3 user_timeout=0 mode=default\nset / cnt=9"
	expect_eq "policy after multi-line write" \
		"$(sort $PROC/policy | tr '\n' '|')" \
		"set / cnt=9|set $pf/a intvl=2 user_timeout=5000|set $pf/b idle=10 cnt=3 mode=force|set $pf/h idle=1 intvl=2 cnt=3 user_timeout=0 mode=default|"
	set_policy "set $pf/c"
	expect_eq "policy without keys" "$(grep "^set $pf/c" $PROC/policy)" \
		"set $pf/c"
	set_policy "set $pf/c idle=32767 intvl=32767 cnt=127 user_timeout=2147483647"
	expect_eq "upper bounds" "$(grep "^set $pf/c" $PROC/policy)" \
		"set $pf/c idle=32767 intvl=32767 cnt=127 user_timeout=2147483647"
	set_policy "set $pf/c idle=1 intvl=1 cnt=1 user_timeout=0"
	expect_eq "lower bounds" "$(grep "^set $pf/c" $PROC/policy)" \
		"set $pf/c idle=1 intvl=1 cnt=1 user_timeout=0"
	# One table for every netns: written from a new netns, seen from all.
	r=$(printf 'set %s/c cnt=5\n' $pf | unshare -n "$PEER" write $PROC/policy)
	expect_eq "write from a new netns" "$r" ok
	expect_eq "seen from the initial netns" "$(grep "^set $pf/c" $PROC/policy)" \
		"set $pf/c cnt=5"
	expect_eq "read from a new netns" "$(unshare -n cat $PROC/policy | md5sum)" \
		"$(md5sum <$PROC/policy)"
	# Save, flush, restore: byte for byte.
	cat $PROC/policy >"$D/saved"
	set_policy "flush"
	expect_eq "policy after flush" "$(cat $PROC/policy 2>&1)" ""
	r=$("$PEER" write $PROC/policy <"$D/saved")
	expect_eq "restore" "$r" ok
	cat $PROC/policy >"$D/restored"
	cmp -s "$D/saved" "$D/restored" ||
		fail "restored policy differs: $(tr '\n' '|' <"$D/restored")"
	expect_eq "saved lines" "$(wc -l <"$D/saved")" 5
	set_policy "flush"
}

# --- 8b. who may write ------------------------------------------------
t_policy_perms() {
	local pf=/tcpka.slice/pf r sys=/proc/sys/net/tcpka/enabled
	cg_make $pf/a
	set_policy "flush\nset $pf/a idle=7"
	cat $PROC/policy >"$D/base" 2>&1
	expect_eq "mode of policy" "$(stat -c %a $PROC/policy 2>&1)" 600
	expect_eq "mode of stats" "$(stat -c %a $PROC/stats 2>&1)" 444
	expect_eq "mode of cgroups" "$(stat -c %a $PROC/cgroups 2>&1)" 444
	r=$(printf 'flush\n' | "$PEER" write -B $PROC/policy)
	expect_eq "uid 65534 opens policy" "$r" "open EACCES"
	r=$(printf 'flush\n' | "$PEER" write -D $PROC/policy)
	expect_eq "opened as root, written as uid 65534" "$r" "write EPERM"
	pol_is "write after dropping to uid 65534"
	r=$(printf 'flush\n' | "$PEER" write -U $PROC/policy)
	expect_eq "root in a new user namespace" "$r" "write EPERM"
	pol_is "write from a new user namespace"
	r=$(printf 'flush\n' | "$PEER" write -U -N $PROC/policy)
	expect_eq "root in a new user+net namespace" "$r" "write EPERM"
	pol_is "write from a new user+net namespace"
	r=$(printf 'flush\n' | unshare -U -r "$PEER" write $PROC/policy)
	expect_eq "unshare -U -r" "$r" "write EPERM"
	pol_is "write from unshare -U -r"
	r=$(printf '0\n' | "$PEER" write -U $sys)
	expect_eq "enabled, root in a new user namespace" "$r" "write EPERM"
	r=$(printf '0\n' | "$PEER" write -U -N $sys)
	expect_eq "enabled, root in a new user+net namespace" "$r" "write EPERM"
	r=$(printf '0\n' | "$PEER" write -D $sys)
	expect_ne "enabled, written as uid 65534" "$r" ok
	expect_eq "enabled after the attempts" "$(cat $sys 2>&1)" 1
	set_policy "flush"
}

# --- 9a. rmmod mid-round ------------------------------------------------
t_rmmod_midround() {
	local cgs=/tcpka.slice/$T a4 a6 x r
	cg_make "$cgs/r" "$cgs/srv"
	pair "" 0
	pair x 1 x
	a4=$(srv_addr 4 0)
	a6=$(srv_addr 6 0)
	x=$(srv_addr 4 1)
	set_policy "set $cgs/r idle=2 intvl=1 cnt=3"
	snap "c$N" c0
	snap "c${N}x" x0
	peer s4 "$cgs/srv" "s$N" server -w 0 "$a4" 7001
	peer s6 "$cgs/srv" "s$N" server -w 0 "$a6" 7002
	peer sx "$cgs/srv" "s${N}x" server -w 0 "$x" 7003
	peer sy "$cgs/srv" "s${N}x" server -w 0 "$x" 7004
	for p in s4 s6 sx sy; do wait_line $p 'listening' || return; done
	peer c4 "$cgs/r" "c$N" client -w 20 "$a4" 7001
	peer c6 "$cgs/r" "c$N" client -w 20 -s 2.3 "$a6" 7002
	peer cx "$cgs/r" "c${N}x" client -w 11 "$x" 7003
	for p in c4 c6 cx; do wait_line $p 'established' || return; done
	link_down ""
	for p in c4 c6 cx; do expect_opts $p established 1 2 1 3 0; done
	# After the first probes (2 s), before the second ones (3 s).
	wait_line c6 'sample1' 5 || return
	expect_ge "c6 sample1 after c4's connection (s, at least)" \
		"$(since_lo c4 "$(pv c6 sample1 t)")" 2.05
	for k in sockets_enforced=2 rounds_started=2 outcome_timeout=0 \
		outcome_ack=0; do
		expect_eq "c6 sample1 ${k%=*}" "$(pv c6 sample1 ${k%=*})" "${k#*=}"
	done
	expect_range "c6 sample1 probes_sent" "$(pv c6 sample1 probes_sent)" 2 5
	snap "c${N}x" x1
	mod_unload || fail "rmmod with sockets mid-round failed"
	[ -e $PROC ] && fail "$PROC still there after rmmod"
	for p in c4 c6; do
		peer_end $p 12
		expect_eq "$p read" "$(pv $p end result)" ETIMEDOUT
		# idle 2 + cnt 3 x intvl 1 = 5 s, with the settings tcpka gave.
		expect_elapsed $p 4.5 8
	done
	snap "c$N" c2
	expect_ge "TCPKeepAlive delta (3 probes x 2 sockets)" "$(delta c0 c2 ka)" 6
	peer_end cx 12
	expect_eq "cx read" "$(pv cx end result)" ALIVE
	snap "c${N}x" x2
	expect_ge "TCPKeepAlive after rmmod (alive peer)" "$(delta x1 x2 ka)" 3
	r=$(mod_load)
	expect_eq "insmod again" "$r" ok
	snap "c${N}x" x3
	expect_stats x3 sockets_enforced=0 probes_sent=0
	expect_eq "policy after reload" "$(cat $PROC/policy 2>&1)" ""
	set_policy "set $cgs/r idle=2 intvl=1 cnt=2"
	peer cy "$cgs/r" "c${N}x" client -w 0 "$x" 7004
	wait_line cy 'established' || return
	expect_opts cy established 1 2 1 2 0
	snap "c${N}x" x4
	expect_stats x4 sockets_enforced=1
}

# --- half-closed sockets: rounds in FIN_WAIT2 and CLOSE_WAIT -------------
# Keepalive probes in every state with nothing in flight: FIN_WAIT2 after
# shutdown(SHUT_WR) (our FIN acked, the application still there) and
# CLOSE_WAIT (the peer's FIN in). A round there ends as anywhere else.
t_halfclosed() {
	local cgs=/tcpka.slice/$T a b c
	cg_make "$cgs/fw2" "$cgs/cw" "$cgs/rst" "$cgs/srv"
	pair "" 0
	pair x 1
	a=$(srv_addr "$F" 0)
	b=$(srv_addr "$F" 1)
	set_policy "set $cgs/fw2 idle=4 intvl=1 cnt=2\nset $cgs/cw idle=4 intvl=1 cnt=2\nset $cgs/rst idle=2 intvl=1 cnt=3"
	snap "c$N" c0
	# A: the client shuts down its side; the server reads EOF and holds
	# on: the client is in FIN_WAIT2. B: the server shuts down its side:
	# the client reads EOF and holds on in CLOSE_WAIT. Then the servers'
	# link goes down. C: FIN_WAIT2 as A; the server forgets the
	# connection (no FIN, no RST): the client's probe draws an RST.
	peer srvA "$cgs/srv" "s$N" server -w 0 -H "$a" 7001
	peer srvB "$cgs/srv" "s$N" server -w 0 -S 0 -H "$a" 7002
	peer srvC "$cgs/srv" "s${N}x" server -w 0 -H -R 1 "$b" 7003
	wait_line srvA listening && wait_line srvB listening &&
		wait_line srvC listening || return
	peer cliA "$cgs/fw2" "c$N" client -w 40 -S 0 "$a" 7001
	peer cliB "$cgs/cw" "c$N" client -w 40 -H "$a" 7002
	peer cliC "$cgs/rst" "c$N" client -w 40 -S 0 "$b" 7003
	wait_line srvA eof && wait_line cliB eof && wait_line srvC eof || return
	link_down ""
	for c in cliA cliB cliC; do peer_end $c 30; done
	expect_eq "cliA (FIN_WAIT2) read" "$(pv cliA end result)" ETIMEDOUT
	expect_eq "cliB (CLOSE_WAIT) read" "$(pv cliB end result)" ETIMEDOUT
	expect_eq "cliC (FIN_WAIT2) read" "$(pv cliC end result)" ECONNRESET
	sleep 0.5
	snap "c$N" c1
	# A link that went down late lets a first round be answered: acks
	# may come before, never an abandoned round.
	expect_eq "row fw2 outcome_timeout" "$(row c1 "$cgs/fw2" outcome_timeout)" 1
	expect_eq "row cw outcome_timeout" "$(row c1 "$cgs/cw" outcome_timeout)" 1
	expect_eq "row rst outcome_rst" "$(row c1 "$cgs/rst" outcome_rst)" 1
	expect_stats c1 outcome_timeout=2 outcome_rst=1 rounds_abandoned=0 \
		rounds_in_progress=0
	expect_probes_match c0 c1
	expect_eq "time_to_detect count fw2" \
		"$(hist c1 "$cgs/fw2" time_to_detect count)" 1
}

# --- SO_KEEPALIVE switched off in the middle of a round ------------------
# The kernel deletes the timer; the round ends (abandoned) at once and
# frees its slot, instead of staying in progress for the socket's life.
t_ka_off() {
	local cgs=/tcpka.slice/$T a
	cg_make "$cgs/cli" "$cgs/srv"
	pair "" 0
	a=$(srv_addr "$F" 0)
	set_policy "set $cgs/cli idle=1 intvl=2 cnt=5"
	snap "c$N" c0
	# The probe at 1 s is lost; keepalive goes off at 1.6 s.
	peer srv "$cgs/srv" "s$N" server -w 0 -D "vs$N" "$a" 7001
	wait_line srv listening || return
	peer cli "$cgs/cli" "c$N" client -w 8 -K 1.6 -s 0.7 -s 3 "$a" 7001
	wait_line cli sample2 15 || return
	# While the connection is still open:
	"$PEER" cat "/run/netns/c$N" $PROC/probing "$D/c1.probing"
	snap "c$N" c1
	expect_eq "sample2 rounds_started" "$(pv cli sample2 rounds_started)" 1
	expect_eq "sample2 rounds_abandoned" \
		"$(pv cli sample2 rounds_abandoned)" 1
	expect_eq "sample2 rounds_in_progress" \
		"$(pv cli sample2 rounds_in_progress)" 0
	expect_eq "probing rows after SO_KEEPALIVE=0" \
		"$(($(wc -l <"$D/c1.probing") - 1))" 0
	peer_end cli 15
	expect_eq "client read" "$(pv cli end result)" ALIVE
	sleep 0.5
	snap "c$N" c2
	# The close counts nothing more.
	expect_stats c2 rounds_started=1 rounds_abandoned=1 outcome_ack=0 \
		outcome_timeout=0 rounds_in_progress=0
	expect_probes_match c0 c2
}

# --- mode=force put back in the middle of a round -------------------------
# An application sets TCP_KEEPIDLE=7200 every 0.3 s on a connection whose
# peer is gone; the policy is put back each time, on its own schedule: the
# first probe after idle (2 s), the round going on where it was, a timeout
# after cnt probes.
t_force_midround() {
	local cgs=/tcpka.slice/$T a
	cg_make "$cgs/cli" "$cgs/srv"
	pair "" 0
	a=$(srv_addr "$F" 0)
	set_policy "set $cgs/cli idle=2 intvl=1 cnt=2 mode=force"
	snap "c$N" c0
	peer srv "$cgs/srv" "s$N" server -w 0 -D "vs$N" "$a" 7001
	wait_line srv listening || return
	peer cli "$cgs/cli" "c$N" client -w 30 -P 0.3 "$a" 7001
	peer_end cli 35
	expect_eq "client read" "$(pv cli end result)" ETIMEDOUT
	# idle 2 + cnt 2 x intvl 1 = 4 s, however often the option is set
	expect_elapsed cli 3.5 12
	expect_ge "TCP_KEEPIDLE calls" "$(pv cli idle-sets n)" 5
	sleep 0.5
	snap "c$N" c1
	expect_stats c1 rounds_started=1 outcome_timeout=1 rounds_abandoned=0
	expect_ge "force_reapplied" "$(st c1 force_reapplied)" 5
	expect_probes_match c0 c1
}

# --- SO_KEEPALIVE=0 under mode=force in the middle of a round -----------
# The policy switches keepalive back on as the call returns, on the
# round's own schedule: one round, ended by the timeout after cnt probes,
# neither an abandoned round nor a second one.
t_force_kaoff() {
	local cgs=/tcpka.slice/$T a
	cg_make "$cgs/cli" "$cgs/srv"
	pair "" 0
	a=$(srv_addr "$F" 0)
	set_policy "set $cgs/cli idle=3 intvl=1 cnt=3 mode=force"
	snap "c$N" c0
	# The probe at 3 s is lost; keepalive goes off at 3.5 s. (With idle=1
	# a loaded VM took the server's link down after the first probe had
	# been answered: two rounds.)
	peer srv "$cgs/srv" "s$N" server -w 0 -D "vs$N" "$a" 7001
	wait_line srv listening || return
	peer cli "$cgs/cli" "c$N" client -w 30 -K 3.5 "$a" 7001
	peer_end cli 35
	expect_eq "client read" "$(pv cli end result)" ETIMEDOUT
	# idle 3 + cnt 3 x intvl 1 = 6 s
	expect_elapsed cli 5.5 14
	sleep 0.5
	snap "c$N" c1
	expect_stats c1 rounds_started=1 outcome_timeout=1 rounds_abandoned=0 \
		rounds_in_progress=0
	expect_ge "force_reapplied" "$(st c1 force_reapplied)" 1
	expect_probes_match c0 c1
}

# --- the retransmission timer gives up in the middle of a round ----------
# Data written while the peer leaves a round unanswered is never
# acknowledged either; without TCP_USER_TIMEOUT the retransmission timer
# gives up after tcp_retries2 (3 here: about 3 s): a timeout, the peer is
# gone, not an abandoned round.
t_retrans() {
	local cgs=/tcpka.slice/$T a
	cg_make "$cgs/cli" "$cgs/srv"
	pair "" 0
	a=$(srv_addr "$F" 0)
	in_ns "c$N" sh -c "echo 3 >/proc/sys/net/ipv4/tcp_retries2" ||
		fail "tcp_retries2=3 failed"
	set_policy "set $cgs/cli idle=1 intvl=3 cnt=5"
	snap "c$N" c0
	peer srv "$cgs/srv" "s$N" server -w 0 -D "vs$N" "$a" 7001
	wait_line srv listening || return
	peer cli "$cgs/cli" "c$N" client -w 40 -W 1.5 -s 1.3 "$a" 7001
	peer_end cli 40
	# tcp_write_err(): the soft error if there is one (the server's
	# address no longer resolves: EHOSTUNREACH), else ETIMEDOUT.
	case $(pv cli end result) in
	ETIMEDOUT | EHOSTUNREACH) ;;
	*) fail "client read=$(pv cli end result), expected ETIMEDOUT or EHOSTUNREACH" ;;
	esac
	on_time cli cli sample1 1.9 &&
		expect_eq "sample1 rounds_started (before the write)" \
			"$(pv cli sample1 rounds_started)" 1
	sleep 0.5
	snap "c$N" c1
	expect_stats c1 rounds_started=1 outcome_timeout=1 rounds_abandoned=0 \
		outcome_user_timeout=0 outcome_ack=0
	expect_eq "row cli outcome_timeout" "$(row c1 "$cgs/cli" outcome_timeout)" 1
	expect_probes_match c0 c1
}

# --- TCP Fast Open children ----------------------------------------------
# A Fast Open child is created in SYN_RECV with the SYN's data. It gets its
# policy when it is synchronized, even when the client's FIN follows at
# once. A SYN that carries a FIN itself would take a child from SYN_RECV
# straight to CLOSE_WAIT: tcpka applies the policy there too, but the
# kernel's listener drops such a SYN (tcp_rcv_state_process(), since
# 2012), which this test shows by sending one by hand.
t_tfo() {
	local cgs=/tcpka.slice/$T a fake
	cg_make "$cgs/cli" "$cgs/srv"
	pair "" 0
	a=$(srv_addr "$F" 0)
	if [ "$F" = 6 ]; then fake=fd00:$N::9; else fake=10.$N.0.9; fi
	# Server: Fast Open without cookie and without TCP_FASTOPEN (0x602);
	# client: Fast Open without cookie (0x5).
	in_ns "s$N" sh -c "echo 1538 >/proc/sys/net/ipv4/tcp_fastopen" &&
		in_ns "c$N" sh -c "echo 5 >/proc/sys/net/ipv4/tcp_fastopen" ||
		fail "tcp_fastopen sysctls"
	set_policy "set $cgs/srv idle=5 intvl=1 cnt=3"
	snap "s$N" s0
	peer srv "$cgs/srv" "s$N" server -w 3 -O 1 -H "$a" 7001
	peer srv2 "$cgs/srv" "s$N" server -w 3 "$a" 7002
	wait_line srv listening && wait_line srv2 listening || return
	peer cli "$cgs/cli" "c$N" client -F -w 3 "$a" 7001
	# accept() returns the child as soon as the SYN is in: its options
	# are read again 1 s later, when the handshake is long over.
	wait_line srv opts || return
	expect_opts srv opts 1 5 1 3 -
	wait_line srv eof || return
	snap "s$N" s1
	expect_eq "TCPFastOpenPassive (the data came with the SYN)" \
		$(($(netstat_file "$D/s1.netstat" TCPFastOpenPassive) - \
		$(netstat_file "$D/s0.netstat" TCPFastOpenPassive))) 1
	expect_eq "s1 sockets_enforced" "$(st s1 sockets_enforced)" 1
	# SYN+FIN with data, from an address nobody has (no answer can
	# come back): dropped, nothing is accepted.
	expect_eq "synfin" "$("$PEER" synfin "/run/netns/c$N" "$fake" "$a" 7002 |
		cut -d' ' -f3)" syn+fin
	sleep 2
	has_line "$D/srv2.out" established && fail "a SYN+FIN was accepted"
	# The same SYN without FIN makes a child: the path was good.
	"$PEER" synfin "/run/netns/c$N" "$fake" "$a" 7002 syn >/dev/null
	wait_line srv2 established || return
	snap "s$N" s2
	expect_eq "TCPFastOpenPassive (hand-made SYN)" \
		$(($(netstat_file "$D/s2.netstat" TCPFastOpenPassive) - \
		$(netstat_file "$D/s1.netstat" TCPFastOpenPassive))) 1
	# Still in SYN_RECV (the handshake cannot end): not synchronized,
	# so no policy yet.
	expect_eq "s2 sockets_enforced" "$(st s2 sockets_enforced)" 1
}

# --- MPTCP beside TCP: probes_sent still moves as TCPKeepAlive -----------
# An MPTCP connection's subflows are TCP sockets whose probes the kernel
# counts in TCPKeepAlive. tcpka counts them in probes_sent (in the MPTCP
# socket's cgroup) but starts no round for them and applies no policy:
# their keepalive settings are the MPTCP socket's.
t_mptcp() {
	local cgs=/tcpka.slice/$T a
	cg_make "$cgs/tcp" "$cgs/mptcp" "$cgs/srv"
	pair "" 0
	a=$(srv_addr "$F" 0)
	# The MPTCP sockets' keepalive: SO_KEEPALIVE and the netns's 1 s.
	in_ns "c$N" sh -c "echo 1 >/proc/sys/net/ipv4/tcp_keepalive_time && echo 1 >/proc/sys/net/ipv4/tcp_keepalive_intvl" ||
		fail "tcp_keepalive sysctls"
	set_policy "set $cgs/tcp idle=1 intvl=1 cnt=5\nset $cgs/mptcp idle=30 intvl=30 cnt=5"
	snap "c$N" c0
	peer msrv "$cgs/srv" "s$N" server -M -w 0 "$a" 7001
	peer tsrv "$cgs/srv" "s$N" server -w 0 "$a" 7002
	wait_line msrv listening && wait_line tsrv listening || return
	peer mcli "$cgs/mptcp" "c$N" client -M -k -w 5 "$a" 7001
	peer tcli "$cgs/tcp" "c$N" client -w 5 "$a" 7002
	peer_end mcli 15 && peer_end tcli 15
	expect_eq "MPTCP client read" "$(pv mcli end result)" ALIVE
	sleep 0.5
	snap "c$N" c1
	expect_probes_match c0 c1
	expect_ge "row mptcp probes_sent (subflow probes)" \
		"$(row c1 "$cgs/mptcp" probes_sent)" 2
	expect_eq "row mptcp sockets_enforced" \
		"$(row c1 "$cgs/mptcp" sockets_enforced)" 0
	expect_ge "row tcp probes_sent" "$(row c1 "$cgs/tcp" probes_sent)" 2
	expect_eq "row mptcp outcome_ack (no rounds)" \
		"$(row c1 "$cgs/mptcp" outcome_ack)" 0
}

# --- policies for cgroups that do not exist yet ---------------------------
# A policy names a path; written before its cgroup exists it is pending,
# applies from the cgroup's creation (a socket made at once gets it),
# pending again once the cgroup is removed, and applies again when it is
# created again. del works in each state.
t_pending() {
	local cgs=/tcpka.slice/$T a i
	cg_make "$cgs/srv"
	pair "" 0
	a=$(srv_addr "$F" 0)
	set_policy "set $cgs/app idle=3 intvl=2 cnt=4\nset $cgs/later/deep idle=9"
	expect_eq "policy before mkdir" "$(grep "^set $cgs/app " $PROC/policy)" \
		"set $cgs/app idle=3 intvl=2 cnt=4"
	wait_state "$cgs/app" pending
	wait_state "$cgs/later/deep" pending
	snap "c$N" c0
	peer srv1 "$cgs/srv" "s$N" server -w 0 "$a" 7001
	peer srv2 "$cgs/srv" "s$N" server -w 0 "$a" 7002
	wait_line srv1 listening && wait_line srv2 listening || return
	# mkdir, and a process connects from it at once.
	cg_make "$cgs/app"
	peer cli1 "$cgs/app" "c$N" client -w 1 "$a" 7001
	wait_line cli1 established || return
	expect_opts cli1 established 1 3 2 4 -
	wait_state "$cgs/app" bound
	i=0
	until _log_has "tcpka: policy of $cgs/app" "applies to its new cgroup"; do
		i=$((i + 1))
		[ $i -gt $((50 * SLOW)) ] && break
		sleep 0.1
	done
	expect_log "tcpka: policy of $cgs/app" "applies to its new cgroup"
	peer_end cli1 15
	# Removed: pending again; created again: it applies again.
	rmdir "$CG$cgs/app" || fail "rmdir $cgs/app"
	wait_state "$cgs/app" pending
	expect_log "tcpka: policy of $cgs/app" "is pending: its cgroup was removed"
	cg_make "$cgs/app"
	peer cli2 "$cgs/app" "c$N" client -w 1 "$a" 7002
	wait_line cli2 established || return
	expect_opts cli2 established 1 3 2 4 -
	peer_end cli2 15
	snap "c$N" c1
	expect_eq "sockets_enforced" "$(stdelta c0 c1 sockets_enforced)" 2
	# del: bound, then pending.
	set_policy "del $cgs/app"
	expect_eq "state after del" "$(grep -c "^$cgs/app " $PROC/policy_state)" 0
	expect_eq "del again" "$(policy "del $cgs/app")" "write ENOENT"
	set_policy "set $cgs/app idle=5"
	wait_state "$cgs/app" bound
	rmdir "$CG$cgs/app" || fail "rmdir $cgs/app"
	wait_state "$cgs/app" pending
	set_policy "del $cgs/app\ndel $cgs/later/deep"
	expect_eq "no policy left" "$(grep -c "^set $cgs/" $PROC/policy)" 0
}

# --- cgroup namespaces ------------------------------------------------------
# A "container": a shell in $cgs/ctr in a cgroup namespace of its own
# (/proc/self/cgroup says 0::/). What it writes is relative to its root and
# stored absolute; it reads only what is at or below its root, relative to
# it; the host's removals and creations never move its policies.
# ctr_sh CMD: CMD in the container (in netns c$N with -n).
ctr_sh() {
	local net=
	if [ "$1" = -n ]; then
		net="nsenter --net=/run/netns/c$N"
		shift
	fi
	sh -c 'echo $$ >"$0/cgroup.procs" && exec "$1" as -C -- $2 sh -c "$3"' \
		"$CG$cgs/ctr" "$PEER" "$net" "$1"
}

t_cgns() {
	local cgs=/tcpka.slice/$T a r in i
	cg_make "$cgs/ctr/web" "$cgs/other" "$cgs/srv" "$cgs/x"
	pair "" 0
	a=$(srv_addr "$F" 0)
	expect_eq "container's /proc/self/cgroup" "$(ctr_sh 'cat /proc/self/cgroup')" "0::/"
	# The reviewer's reproduction: set / from the container...
	r=$(ctr_sh "printf 'set / idle=5 mode=force\nset /web intvl=3\n' | $PEER write $PROC/policy")
	expect_eq "write from the container" "$r" ok
	# Bound by the write itself (its paths looked up in its namespace).
	expect_eq "bound at once" \
		"$(grep "^$cgs/ctr" $PROC/policy_state | tr '\n' '|')" \
		"$cgs/ctr bound|$cgs/ctr/web bound|"
	r=$(ctr_sh "printf 'set /app cnt=7\n' | $PEER write $PROC/policy")
	expect_eq "second write from the container" "$r" ok
	expect_eq "the host sees it under the container's root" \
		"$(grep "^set $cgs/" $PROC/policy | tr '\n' '|')" \
		"set $cgs/ctr idle=5 mode=force|set $cgs/ctr/app cnt=7|set $cgs/ctr/web intvl=3|"
	expect_eq "no policy on the host's root" "$(grep -c '^set / ' $PROC/policy)" 0
	# ...then on the host set /x, rmdir /x, mkdir /x.
	set_policy "set $cgs/x idle=100\nset $cgs/other idle=50"
	rmdir "$CG$cgs/x" || fail "rmdir $cgs/x"
	wait_state "$cgs/x" pending
	cg_make "$cgs/x"
	wait_state "$cgs/ctr" bound
	# A socket outside the container gets its own policy, or none: never
	# the container's.
	peer srv "$cgs/srv" "s$N" server -w 0 "$a" 7001
	peer srv2 "$cgs/srv" "s$N" server -w 0 -R 0 "$a" 7002
	peer srv3 "$cgs/srv" "s$N" server -w 0 "$a" 7003
	wait_line srv listening && wait_line srv2 listening &&
		wait_line srv3 listening || return
	peer cli "$cgs/other" "c$N" client -w 20 "$a" 7001
	# RST to its first probe: a histogram row outside the container.
	peer cli2 "$cgs/other" "c$N" client -w 20 -i 1 -k "$a" 7002
	# Inside the container: /web's policy, idle from its root.
	peer cli3 "$cgs/ctr/web" "c$N" client -w 20 "$a" 7003
	wait_line cli established && wait_line srv established &&
		wait_line cli3 established || return
	expect_opts cli established 1 50 - - -
	expect_opts srv established 0 - - - -
	# /web's own policy (intvl only): the nearest one, not merged.
	expect_opts cli3 established 1 7200 3 - -
	peer_end cli2 15
	# A socket outside the container in the middle of a round (its peer
	# gone behind a second veth pair).
	pair x 1
	peer srv5 "$cgs/srv" "s${N}x" server -w 0 -D "vs${N}x" "$(srv_addr "$F" 1)" 7005
	wait_line srv5 listening || return
	peer cli5 "$cgs/other" "c$N" client -w 30 -i 1 -k "$(srv_addr "$F" 1)" 7005
	wait_line srv5 link-down || return
	i=0
	until "$PEER" cat "/run/netns/c$N" $PROC/probing "$D/host.probing" &&
		grep -q " $cgs/other " "$D/host.probing"; do
		i=$((i + 1))
		[ $i -gt $((40 * SLOW)) ] && { fail "no probing row of $cgs/other"; break; }
		sleep 0.25
	done
	# What the container reads: its own, relative; nothing outside.
	in=$(ctr_sh "cat $PROC/policy")
	expect_eq "policy read in the container" "$(echo "$in" | tr '\n' '|')" \
		"set / idle=5 mode=force|set /app cnt=7|set /web intvl=3|"
	in=$(ctr_sh "cat $PROC/policy_state")
	expect_eq "policy_state read in the container" "$(echo "$in" | tr '\n' '|')" \
		"/ bound|/app pending|/web bound|"
	ctr_sh -n "cat $PROC/cgroups" >"$D/ctr.cgroups"
	ctr_sh -n "cat $PROC/histograms" >"$D/ctr.histograms"
	ctr_sh -n "cat $PROC/probing" >"$D/ctr.probing"
	"$PEER" cat "/run/netns/c$N" $PROC/cgroups "$D/host.cgroups" \
		$PROC/histograms "$D/host.histograms"
	grep -q "^$cgs/other " "$D/host.cgroups" ||
		fail "the host has no row of $cgs/other: $(tr '\n' '|' <"$D/host.cgroups")"
	grep -q "^$cgs/other " "$D/host.histograms" ||
		fail "the host has no histogram of $cgs/other"
	ctr_sh -n "cat $PROC/coverage" >"$D/ctr.coverage"
	for f in cgroups histograms probing coverage; do
		grep -q "tcpka.slice" "$D/ctr.$f" &&
			fail "container's $f shows a host path: $(tr '\n' '|' <"$D/ctr.$f")"
	done
	grep -q "^/web [0-9].*intvl=3,mode=default,from=/web$" "$D/ctr.cgroups" ||
		fail "container's cgroups: no /web row: $(tr '\n' '|' <"$D/ctr.cgroups")"
	# A flush from the container removes its own policies only.
	r=$(ctr_sh "echo flush | $PEER write $PROC/policy")
	expect_eq "flush from the container" "$r" ok
	expect_eq "after the container's flush" \
		"$(grep "^set $cgs/" $PROC/policy | tr '\n' '|')" \
		"set $cgs/other idle=50|set $cgs/x idle=100|"
	set_policy "del $cgs/x\ndel $cgs/other"
}

# --- a peer alive that does not read: zero_window -------------------------
# The server never reads (receive buffer 4096); the client, with a policy
# user_timeout=3000 and idle 600 (keepalive never probes here), writes
# until its buffer is full: the window shuts, the server's TCP answers the
# window probes, and after 3 s of probing the kernel closes the socket with
# ETIMEDOUT. That is outcome_zero_window (not user_timeout: the peer was
# heard), one round of its own, in time_to_detect; while it probes,
# /proc/net/tcpka/stalled lists it.
t_zero_window() {
	local cgs=/tcpka.slice/$T a i uto=$((3000 * ${SLOW:-1}))
	cg_make "$cgs/cli" "$cgs/srv"
	pair "" 0
	a=$(srv_addr "$F" 0)
	set_policy "set $cgs/cli idle=600 user_timeout=$uto"
	snap "c$N" c0
	peer srv "$cgs/srv" "s$N" server -X -w 0 "$a" 7001
	wait_line srv listening || return
	peer cli "$cgs/cli" "c$N" client -Z -w 60 "$a" 7001
	wait_line cli established || return
	i=0
	# The window probing lasts user_timeout (3 s): looked at until then.
	until "$PEER" cat "/run/netns/c$N" $PROC/stalled "$D/c.stalled" &&
		grep -q " $cgs/cli " "$D/c.stalled"; do
		i=$((i + 1))
		if [ $i -gt $((100 * SLOW)) ] || has_line "$D/cli.out" "end "; then
			fail "no stalled row of $cgs/cli while it probed"
			break
		fi
		sleep 0.02
	done
	expect_opts cli established 1 600 - - "$uto"
	expect_eq "stalled header" "$(head -1 "$D/c.stalled")" \
		"cookie local remote cgroup closed probes"
	awk -v r="$(addr_fmt "$F" 0 2):7001" -v c="$cgs/cli" '$3 == r && $4 == c &&
		$5 ~ /^[0-9]+$/ && $6 ~ /^[0-9]+$/ { f = 1 } END { exit !f }' "$D/c.stalled" ||
		fail "stalled row: $(tr '\n' '|' <"$D/c.stalled")"
	peer_end cli 30
	expect_eq "client" "$(pv cli end result)" ETIMEDOUT
	snap "c$N" c1
	expect_stats c1 outcome_zero_window=1 outcome_user_timeout=0 \
		outcome_timeout=0 probes_sent=0
	expect_eq "c1 rounds_started" "$(st c1 rounds_started)" 1
	expect_eq "row cli outcome_zero_window" \
		"$(row c1 "$cgs/cli" outcome_zero_window)" 1
	expect_eq "time_to_detect count" \
		"$(awk -v c="$cgs/cli" '$1 == c && $2 == "time_to_detect" { print $3 }' "$D/c1.histograms")" 1
	"$PEER" cat "/run/netns/c$N" $PROC/stalled "$D/c2.stalled"
	expect_eq "stalled after the close" "$(wc -l <"$D/c2.stalled")" 1
	kill "$(cat "$D/srv.pid")" 2>/dev/null
	set_policy "del $cgs/cli"
}

# --- the local address goes away: addr_loss -------------------------------
# From one address: client A (cgroup cli: idle=600 addr_loss=2), C (cli4:
# idle=600 addr_loss=4) and B (nokey: idle=600, no addr_loss). Dropped and
# put back 0.5 s later, then moved to another veth of the netns: nothing.
# Gone past both graces with net.tcpka.dry_run=1: dry_run_matched 2 (A at
# 2 s, C at 4 s; A not again), nothing aborted. Then the interface goes,
# with 21 addresses (22 with IPv6's link-local) at once: 16 are noted one by
# one, the rest as "some address went"; D (cli), bound to the last address
# added, is at the other end of the kernel's order from A, so one of the
# two is in the overflow. A and D get ECONNABORTED 2 s after the removal
# (never sooner), C 4 s after; outcome_addr_lost 3, one round each, in
# time_to_detect, a log line; B stays up.
addr_steps() { "$PEER" addr "/run/netns/c$N" "$@" >>"$D/addr.out" 2>&1 ||
	fail "addr $*: $(tail -1 "$D/addr.out")"; }

t_addr_loss() {
	local cgs=/tcpka.slice/$T a ax ca dn g=2 i t0 t1 te add= pre p
	local sys=/proc/sys/net/tcpka/dry_run slow=${SLOW:-1}
	cg_make "$cgs/cli" "$cgs/cli4" "$cgs/nokey" "$cgs/srv"
	pair "" 0
	pair x 1
	a=$(srv_addr "$F" 0)
	ax=$(srv_addr "$F" 1)
	if [ "$F" = 6 ]; then
		ca=fd00:$N::1/64 pre=fd00:$N:1::1 dn=fd00:$N:1::119
	else
		ca=10.$N.0.1/24 pre=10.$N.1. dn=10.$N.1.119
	fi
	in_ns "c$N" sh -c "echo 1 >/proc/sys/net/tcpka/log_verdicts" ||
		fail "log_verdicts=1 failed"
	set_policy "set $cgs/cli idle=600 addr_loss=$g\nset $cgs/cli4 idle=600 addr_loss=4\nset $cgs/nokey idle=600"
	for p in 7001 7002 7004; do
		peer "srv$p" "$cgs/srv" "s$N" server -w 0 "$a" $p
	done
	peer srv7005 "$cgs/srv" "s${N}x" server -w 0 "$ax" 7005
	for p in 7001 7002 7004 7005; do
		wait_line "srv$p" listening || return
	done
	peer cli "$cgs/cli" "c$N" client -w 120 "$a" 7001
	peer cli2 "$cgs/nokey" "c$N" client -w 120 "$a" 7002
	peer cli4 "$cgs/cli4" "c$N" client -w 120 "$a" 7004
	for p in cli cli2 cli4; do
		wait_line $p established || return
	done
	expect_opts cli established 1 600 - - -

	# Dropped and back within the grace; then moved to vc${N}x.
	t0=$(uptime_now)
	addr_steps "del:vc$N:$ca" sleep:500 "add:vc$N:$ca"
	addr_steps "del:vc$N:$ca" "add:vc${N}x:$ca"
	sleep_until "$(tplus "$t0" $((4 + 2 * slow)))"
	snap "c$N" c1
	expect_stats c1 outcome_addr_lost=0 dry_run_matched=0
	for p in cli cli2 cli4; do
		has_line "$D/$p.out" "end " && fail "$p ended: $(pv $p end result)"
	done

	# Gone past the graces with dry_run: each counted once, left alone.
	in_ns "c$N" sh -c "echo 1 >$sys" || fail "dry_run=1 failed"
	addr_steps "del:vc${N}x:$ca"
	i=0
	until snap "c$N" c2 && [ "$(st c2 dry_run_matched)" = 2 ]; do
		i=$((i + 1))
		[ $i -gt $((40 * slow)) ] && { fail "dry_run_matched $(st c2 dry_run_matched), not 2"; break; }
		sleep 0.5
	done
	sleep 1
	snap "c$N" c2
	expect_stats c2 dry_run_matched=2 outcome_addr_lost=0
	for p in cli cli2 cli4; do
		has_line "$D/$p.out" "end " && fail "$p ended in dry run: $(pv $p end result)"
	done
	in_ns "c$N" sh -c "echo 0 >$sys" || fail "dry_run=0 failed"

	# Back, with 19 more; D from the last of them; then the interface goes.
	for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19; do
		if [ "$F" = 6 ]; then
			add="$add add:vc${N}x:$pre$i/128"
		else
			add="$add add:vc${N}x:$pre$((i + 100))/32"
		fi
	done
	addr_steps "add:vc${N}x:$ca" $add
	peer cli5 "$cgs/cli" "c$N" client -b "$dn" -w 120 "$ax" 7005
	wait_line cli5 established || return
	t0=$(uptime_now)
	addr_steps "dellink:vc${N}x"
	t1=$(uptime_now)
	for p in cli cli5; do
		peer_end $p $((g + 20))
		expect_eq "$p read" "$(pv $p end result)" ECONNABORTED
		te=$(pv $p end t)
		expect_ge "$p: abort after the loss (s)" "$(fsub "$te" "$t0")" "$g"
		expect_le "$p: abort after the loss (s)" "$(fsub "$te" "$t1")" $((g + 2 * slow))
	done
	peer_end cli4 $((4 + 20))
	expect_eq "cli4 read" "$(pv cli4 end result)" ECONNABORTED
	expect_ge "cli4: abort after the loss (s)" "$(fsub "$(pv cli4 end t)" "$t0")" 4
	snap "c$N" c3
	expect_stats c3 outcome_addr_lost=3 rounds_started=3 probes_sent=0 \
		outcome_timeout=0 rounds_abandoned=0 dry_run_matched=2
	expect_eq "row cli outcome_addr_lost" "$(row c3 "$cgs/cli" outcome_addr_lost)" 2
	expect_eq "row cli4 outcome_addr_lost" "$(row c3 "$cgs/cli4" outcome_addr_lost)" 1
	expect_eq "row nokey outcome_addr_lost" "$(row c3 "$cgs/nokey" outcome_addr_lost)" 0
	expect_eq "time_to_detect count" "$(hist c3 "$cgs/cli" time_to_detect count)" 2
	expect_log "tcpka: addr_lost $(addr_fmt "$F" 0 1):" \
		" -> $(addr_fmt "$F" 0 2):7001 cgroup $cgs/cli probes 0/"
	has_line "$D/cli2.out" "end " && fail "cli2 (no addr_loss) ended: $(pv cli2 end result)"
	set_policy "del $cgs/cli\ndel $cgs/cli4\ndel $cgs/nokey"
}

# --- coverage audit: /proc/net/tcpka/coverage ----------------------------
# cov TAG CGROUP: "established keepalive_off keepalive_late" of CGROUP's
# row in a coverage snapshot ("none" without a row).
cov() {
	awk -v c="$2" '$1 == c { print $2, $3, $4; f = 1 } END { if (!f) print "none" }' \
		"$D/$1.coverage"
}

# Known mixes in one netns: an application without keepalive, one with its
# own at 7200 s, a policy at 60 s, one of its own at 200 s (late only once
# net.tcpka.audit_idle is 100, in that namespace only). The established
# total is the kernel's own count (state 01 in /proc/net/tcp and tcp6);
# the server namespace sees its sockets and none of the client's.
t_coverage() {
	local cgs=/tcpka.slice/$T a i p r sys=/proc/sys/net/tcpka/audit_idle
	cg_make "$cgs/off" "$cgs/late" "$cgs/pol" "$cgs/mix" "$cgs/srv"
	pair "" 0
	a=$(srv_addr "$F" 0)
	set_policy "set $cgs/pol idle=60"
	for i in 1 2 3 4 5 6 7; do
		peer "s$i" "$cgs/srv" "s$N" server -w 0 "$a" "700$i"
	done
	for i in 1 2 3 4 5 6 7; do wait_line "s$i" listening || return; done
	peer c1 "$cgs/off" "c$N" client -w 0 "$a" 7001
	peer c2 "$cgs/off" "c$N" client -w 0 "$a" 7002
	peer c3 "$cgs/late" "c$N" client -k -i 7200 -w 0 "$a" 7003
	peer c4 "$cgs/late" "c$N" client -k -i 7200 -w 0 "$a" 7004
	peer c5 "$cgs/pol" "c$N" client -w 0 "$a" 7005
	peer c6 "$cgs/pol" "c$N" client -w 0 "$a" 7006
	peer c7 "$cgs/mix" "c$N" client -k -i 200 -w 0 "$a" 7007
	for i in 1 2 3 4 5 6 7; do
		wait_line "c$i" established && wait_line "s$i" established ||
			return
	done
	expect_opts c5 established 1 60 - - -
	expect_eq "c audit_idle" "$(in_ns "c$N" cat $sys 2>&1)" 300
	"$PEER" cat "/run/netns/c$N" $PROC/coverage "$D/c0.coverage" \
		/proc/net/tcp "$D/c.tcp" /proc/net/tcp6 "$D/c.tcp6" ||
		fail "read coverage in c$N"
	expect_eq "header" "$(head -1 "$D/c0.coverage")" \
		"cgroup established keepalive_off keepalive_late"
	expect_eq "off" "$(cov c0 "$cgs/off")" "2 2 0"
	expect_eq "late (own idle 7200)" "$(cov c0 "$cgs/late")" "2 0 2"
	expect_eq "policy idle 60" "$(cov c0 "$cgs/pol")" "2 0 0"
	expect_eq "own idle 200, audit_idle 300" "$(cov c0 "$cgs/mix")" "1 0 0"
	expect_eq "no server row in the client's netns" "$(cov c0 "$cgs/srv")" none
	expect_eq "established = the kernel's (st 01)" \
		"$(awk 'NR > 1 { n += $2 } END { print n + 0 }' "$D/c0.coverage")" \
		"$(awk 'FNR > 1 && $4 == "01" { n++ } END { print n + 0 }' "$D/c.tcp" "$D/c.tcp6")"
	r=$(printf 0 | in_ns "c$N" "$PEER" write $sys)
	expect_ne "write 0 to audit_idle" "$r" ok
	r=$(printf 32768 | in_ns "c$N" "$PEER" write $sys)
	expect_ne "write 32768 to audit_idle" "$r" ok
	expect_log "net.tcpka.audit_idle: invalid value" "(1..32767)"
	in_ns "c$N" sh -c "echo 100 >$sys" || fail "echo 100 >$sys failed"
	"$PEER" cat "/run/netns/c$N" $PROC/coverage "$D/c1.coverage" ||
		fail "read coverage in c$N"
	expect_eq "own idle 200, audit_idle 100" "$(cov c1 "$cgs/mix")" "1 0 1"
	expect_eq "policy idle 60, audit_idle 100" "$(cov c1 "$cgs/pol")" "2 0 0"
	expect_eq "s audit_idle untouched" "$(in_ns "s$N" cat $sys 2>&1)" 300
	"$PEER" cat "/run/netns/s$N" $PROC/coverage "$D/s0.coverage" ||
		fail "read coverage in s$N"
	expect_eq "servers" "$(cov s0 "$cgs/srv")" "7 7 0"
	for p in off late pol mix; do
		expect_eq "no $p row in the server's netns" "$(cov s0 "$cgs/$p")" none
	done
	# A socket that closes leaves the count.
	kill "$(cat "$D/c1.pid")"
	i=0
	while :; do
		"$PEER" cat "/run/netns/c$N" $PROC/coverage "$D/c2.coverage"
		[ "$(cov c2 "$cgs/off")" = "1 1 0" ] && break
		i=$((i + 1))
		[ $i -gt 40 ] && { fail "off after a close: $(cov c2 "$cgs/off")"; break; }
		sleep 0.25
	done
	set_policy "del $cgs/pol"
}

# --- what an unprivileged user's own namespaces see and use ----------------
# uid 65534 in its own user and network namespace (unshare -Urn), in
# cgroup $cgs/u: the files show it no host cgroup path, and the policy
# file is not its to read. With twice its share of dead-peer rounds
# (max_tracked 8 per namespace), it overflows alone: the rounds of
# another namespace started after it are all tracked.
t_unpriv() {
	local cgs=/tcpka.slice/$T a i mt flag=/tmp/$T.flag
	mt=$(cat /sys/module/tcpka/parameters/max_tracked)
	cg_make "$cgs/u" "$cgs/host" "$cgs/srv"
	pair "" 0
	a=$(srv_addr "$F" 0)
	echo 8 >/sys/module/tcpka/parameters/max_tracked
	set_policy "set $cgs/u idle=1 intvl=1 cnt=100\nset $cgs/host idle=1 intvl=1 cnt=100"
	rm -rf "$flag"
	sh -c 'echo $$ >"$0/cgroup.procs" && exec "$1" as -B -U -N -- sh -c "$2"' \
		"$CG$cgs/u" "$PEER" "
		$PEER lofill 16 60 $F &
		i=0
		until grep -qx 'rounds_in_progress 8' $PROC/stats; do
			i=\$((i + 1)); [ \$i -gt 600 ] && break; sleep 0.1
		done
		echo '=== ready'
		until [ -e $flag ]; do sleep 0.1; done
		echo '=== stats'; cat $PROC/stats
		echo '=== cgroups'; cat $PROC/cgroups
		echo '=== histograms'; cat $PROC/histograms
		echo '=== probing'; cat $PROC/probing
		echo '=== policy'; cat $PROC/policy 2>&1
		echo '=== end'" >"$D/u.out" 2>&1 &
	if ! wait_line u '=== ready' 60; then
		mkdir "$flag"
		echo "$mt" >/sys/module/tcpka/parameters/max_tracked
		return
	fi
	# Another namespace's dead peers, after the user's share is full.
	snap "c$N" c0
	for i in 1 2 3; do
		peer srv$i "$cgs/srv" "s$N" server -w 0 "$a" 700$i
		wait_line srv$i listening &&
			peer cli$i "$cgs/host" "c$N" client -w 30 "$a" 700$i &&
			wait_line cli$i established
	done
	peer srv4 "$cgs/srv" "s$N" server -w 0 -D "vs$N" "$a" 7004
	wait_line srv4 listening &&
		peer cli4 "$cgs/host" "c$N" client -w 30 "$a" 7004 &&
		wait_line srv4 link-down
	i=0
	until snap "c$N" c1 && [ "$(st c1 rounds_in_progress)" = 4 ]; do
		i=$((i + 1))
		[ $i -gt $((40 * SLOW)) ] && break
		sleep 0.5
	done
	mkdir "$flag"
	wait_line u '=== end' 30
	echo "$mt" >/sys/module/tcpka/parameters/max_tracked
	expect_eq "host netns: rounds in progress" "$(st c1 rounds_in_progress)" 4
	expect_eq "host netns: track_overflow" "$(stdelta c0 c1 track_overflow)" 0
	awk '/^=== stats/ { f = 1; next } /^===/ { f = 0 } f' "$D/u.out" >"$D/u.stats"
	expect_eq "user's netns: rounds in progress" "$(st u rounds_in_progress)" 8
	expect_ge "user's netns: track_overflow" "$(st u track_overflow)" 8
	grep -q "^$cgs/host " "$D/c1.cgroups" ||
		fail "the host netns has no row of $cgs/host"
	grep -q "tcpka.slice/$T/host" "$D/u.out" &&
		fail "the user sees a host cgroup: $(tr '\n' '|' <"$D/u.out")"
	grep -q "^=== policy" "$D/u.out" || fail "no policy section"
	awk '/^=== policy/ { f = 1; next } /^===/ { f = 0 } f' "$D/u.out" |
		grep -Eq "Operation not permitted|Permission denied" ||
		fail "the user could read the policy table: $(tr '\n' '|' <"$D/u.out")"
	set_policy "del $cgs/u\ndel $cgs/host"
}

# --- months of uptime: rows of removed cgroups go ----------------------------
# RECLAIM_CYCLES (3000; 200 on the debug kernel) cgroups, in batches of
# 500: each made, one loopback connection from it whose rounds are
# answered, closed, removed. No row
# overflows (max_cgroup_rows is 1024), no row of a removed cgroup stays,
# and no dying cgroup stays pinned once the sockets are gone.
t_reclaim() {
	local cgs=/tcpka.slice/$T a b=0 n=${RECLAIM_CYCLES:-3000} per=500 i
	local rows dying acked
	# The debug kernel (SLOW > 1) stalls with a thousand sockets probing.
	[ "${SLOW:-1}" -gt 1 ] && n=${RECLAIM_CYCLES:-200}
	[ "$n" -lt $per ] && per=$n
	cg_make "$cgs/churn"
	pair "" 0
	a=127.0.0.1
	[ "$F" = 6 ] && a=::1
	set_policy "set $cgs/churn idle=1 intvl=1 cnt=5"
	snap "c$N" c0
	while [ $b -lt $((n / per)) ]; do
		in_ns "c$N" "$PEER" cgchurn "$CG$cgs/churn" $per $a \
			$((60 * SLOW)) >"$D/churn$b.out" 2>&1 ||
			fail "batch $b: $(tr '\n' '|' <"$D/churn$b.out")"
		acked=$(sed -n 's/^acked n=//p' "$D/churn$b.out")
		expect_ge "batch $b: rounds answered" "${acked:-0}" $((2 * per))
		b=$((b + 1))
	done
	# The removed cgroups' rows go (within a tenth of a second of the
	# last removal), their dying cgroups once their sockets are freed.
	i=0
	while :; do
		snap "c$N" c1
		rows=$(grep -c "^$cgs/churn/c" "$D/c1.cgroups")
		dying=$(awk '$1 == "nr_dying_descendants" { print $2 }' \
			"$CG$cgs/churn/cgroup.stat")
		[ "$rows" = 0 ] && [ "$dying" = 0 ] && break
		i=$((i + 1))
		[ $i -gt $((60 * SLOW)) ] && break
		sleep 0.5
	done
	expect_eq "rows of removed cgroups" "$rows" 0
	expect_eq "nr_dying_descendants of $cgs/churn" "$dying" 0
	expect_eq "cgroup_rows_overflow" "$(stdelta c0 c1 cgroup_rows_overflow)" 0
	expect_ge "rounds answered" "$(stdelta c0 c1 outcome_ack)" $((2 * n))
	# The counts of the removed cgroups stay in the totals.
	expect_ge "sockets_enforced" "$(stdelta c0 c1 sockets_enforced)" $((2 * n))
	set_policy "del $cgs/churn"
}

# --- kernel sockets and sockets in TCP_REPAIR keep their settings -----------
# Under a root mode=force policy: a kernel socket (tcpka_ksock.ko,
# sock_create_kern() as NFS or iSCSI make them, with its own
# TCP_USER_TIMEOUT and keepalive off) and a socket CRIU would restore
# (TCP_REPAIR on before connect()) keep what they have.
t_kernsock() {
	local cgs=/tcpka.slice/$T a f r port=7001
	cg_make "$cgs/srv"
	pair "" 0
	[ -e /tcpka/tcpka_ksock.ko ] || { fail "no tcpka_ksock.ko"; return; }
	set_policy "set / idle=2 intvl=1 cnt=2 user_timeout=999 mode=force"
	snap "c$N" c0
	for f in 4 6; do
		a=$(srv_addr $f 0)
		peer srv$f "$cgs/srv" "s$N" server -w 0 "$a" $port
		wait_line srv$f listening || return
		# From the root cgroup: where the kernel's own sockets are.
		r=$(sh -c 'echo $$ >"$0/cgroup.procs" && exec nsenter --net="/run/netns/$1" "$2" insmod "$3" addr="$4" port="$5"' \
			"$CG" "c$N" "$PEER" /tcpka/tcpka_ksock.ko "$a" $port 2>&1)
		expect_eq "insmod tcpka_ksock (IPv$f)" "$r" ok
		wait_line srv$f established || return
		expect_opts srv$f established 1 2 1 2 999
		expect_eq "kernel socket (IPv$f)" \
			"$(cat /sys/module/tcpka_ksock/parameters/state)" \
			"state=1 kern=1 keepalive=0 idle=7200 intvl=75 cnt=9 user_timeout=4321"
		rmmod tcpka_ksock || fail "rmmod tcpka_ksock"
		r=$(sh -c 'echo $$ >"$0/cgroup.procs" && exec nsenter --net="/run/netns/$1" "$2" repair "$3" 7100' \
			"$CG" "c$N" "$PEER" "$a" 2>&1)
		expect_eq "TCP_REPAIR socket (IPv$f)" "$r" \
			"repair keepalive=0 idle=7200 user_timeout=0"
		port=$((port + 1))
	done
	snap "c$N" c1
	expect_eq "sockets_enforced in the kernel sockets' netns" \
		"$(stdelta c0 c1 sockets_enforced)" 0
	set_policy "del /"
}

# bg NAME CGROUP NS CMD...: CMD in the background inside CGROUP and netns
# NS (as peer does for tcpka_peer). Output in $D/NAME.out, pid in
# $D/NAME.pid.
bg() {
	local name=$1 cg=$2 ns=$3
	shift 3
	sh -c 'echo $$ >"$0/cgroup.procs" && ns=$1 && shift &&
		exec nsenter --net="/run/netns/$ns" "$@"' "$CG$cg" "$ns" "$@" \
		>"$D/$name.out" 2>&1 &
	echo $! >"$D/$name.pid"
}

BENCH=/selftests/tcpka_bench

# rounds_done TAG: the outcomes of snapshot TAG, added up.
rounds_done() {
	echo $(($(st "$1" outcome_ack) + $(st "$1" outcome_rst) + \
		$(st "$1" outcome_timeout) + $(st "$1" outcome_user_timeout) + \
		$(st "$1" outcome_zero_window) + $(st "$1" outcome_addr_lost) + \
		$(st "$1" rounds_abandoned)))
}

# --- exact counts under contention ---------------------------------------
# EXACT_N connections probing every second (the peer answers), while one
# policy write re-arms all of them and a mode=force socket's keepalive
# options are set over and over (each time put back by tcpka, in process
# context, while keepalive timers fire in softirqs). probes_sent must equal
# TCPKeepAlive and, once the connections are closed, every round started
# must have ended in exactly one outcome. Counted, not timed: the end is
# waited for, then compared exactly.
t_exact() {
	local cgs=/tcpka.slice/$T a n=${EXACT_N:-10000} flaps=20000 i started done
	# The debug kernel (SLOW > 1) stalls with thousands of sockets probing
	# every second under TCG, with or without tcpka: fewer there.
	if [ "${SLOW:-1}" -gt 1 ]; then
		n=${EXACT_N:-300}
		flaps=5000
	fi
	cg_make "$cgs/many" "$cgs/force" "$cgs/srv"
	pair "" 0
	a=$(srv_addr 4 0)
	ulimit -n $((n + 1024))
	set_policy "set $cgs/many idle=1 intvl=1 cnt=5\nset $cgs/force idle=1 intvl=1 cnt=5 mode=force"
	snap "c$N" c0
	bg sink "$cgs/srv" "s$N" $BENCH sink "$a" 7001
	wait_line sink listening || return
	bg many "$cgs/many" "c$N" $BENCH halfopen "$n" "$a" 7001 900
	wait_line many connected 300 || return
	bg flap "$cgs/force" "c$N" $BENCH flap "$flaps" "$a" 7001
	sleep 2
	# Every one of the n sockets changes policy: all are re-armed.
	set_policy "set $cgs/many idle=1 intvl=2 cnt=5"
	wait_line flap flapped 600 || return
	sleep 2
	snap "c$N" c1
	kill "$(cat "$D/many.pid")"
	# Closed sockets end their rounds: wait until no round is left.
	i=0
	while :; do
		snap "c$N" c2
		started=$(delta c0 c2 st_rounds)
		done=$(($(rounds_done c2) - $(rounds_done c0)))
		[ "$started" = "$done" ] || [ $i -ge 60 ] && break
		i=$((i + 1))
		sleep 1
	done
	say "exact: $n sockets: probes_sent $(delta c0 c2 st_probes) TCPKeepAlive $(delta c0 c2 ka) rounds $started outcomes $done rearmed $(delta c0 c1 st_rearmed) force_reapplied $(delta c0 c2 st_forced) hooks_missed $(delta c0 c2 "st_k hooks_missed")"
	echo "[$T] info: $(delta c0 c2 st_probes) probes, $started rounds, $(delta c0 c2 st_forced) reapplied, $(delta c0 c1 st_rearmed) rearmed" >/dev/console
	expect_probes_match c0 c2
	expect_eq "rounds started (c0..c2) = outcomes" "$done" "$started"
	expect_ge "probes sent by $n sockets in 2 s and more" \
		"$(delta c0 c1 st_probes)" $((2 * n))
	expect_ge "rounds started" "$started" $((2 * n))
	expect_eq "sockets_rearmed" "$(delta c0 c1 st_rearmed)" "$n"
	expect_ge "force_reapplied ($flaps flaps)" "$(delta c0 c2 st_forced)" "$flaps"
	for k in track_overflow hooks_missed cgroup_rows_overflow; do
		expect_eq "$k" "$(delta c0 c2 "st_k $k")" 0
	done
	expect_rows_sum c2
}
st_rounds() { st "$1" rounds_started; }
st_rearmed() { st "$1" sockets_rearmed; }
st_forced() { st "$1" force_reapplied; }
st_k() { st "$2" "$1"; }

# --- unload while a recreated cgroup's sockets are re-armed ---------------
# UNLOAD_N established sockets in /a with a policy; their process leaves,
# /a is removed and created again (which re-arms the policy's sockets from
# a work item) and tcpka is unloaded at once; UNLOAD_CYCLES times. The
# kernel must report nothing (the debug kernel: KASAN, lockdep, kmemleak).
t_unload_churn() {
	local cgs=/tcpka.slice/$T a n=${UNLOAD_N:-1000} c r
	[ "${SLOW:-1}" -gt 1 ] && n=${UNLOAD_N:-300}
	cg_make "$cgs/srv" "$cgs/parked"
	pair "" 0
	a=$(srv_addr 4 0)
	# The sink keeps every accepted socket.
	ulimit -n $((n * ${UNLOAD_CYCLES:-5} + 1024))
	bg sink "$cgs/srv" "s$N" $BENCH sink "$a" 7001
	wait_line sink listening || return
	for c in $(seq 1 "${UNLOAD_CYCLES:-5}"); do
		[ -e $PROC ] || { r=$(mod_load); expect_eq "insmod $c" "$r" ok; }
		cg_make "$cgs/a"
		set_policy "set $cgs/a idle=600 intvl=5 cnt=3"
		bg half$c "$cgs/a" "c$N" $BENCH halfopen "$n" "$a" 7001 900
		wait_line half$c connected 300 || return
		echo "$(cat "$D/half$c.pid")" >"$CG$cgs/parked/cgroup.procs" ||
			fail "cycle $c: move the process out of /a"
		rmdir "$CG$cgs/a" || fail "cycle $c: rmdir /a"
		mkdir "$CG$cgs/a" || fail "cycle $c: mkdir /a"
		mod_unload || fail "cycle $c: rmmod"
		[ -e $PROC ] && fail "cycle $c: $PROC still there after rmmod"
		kill "$(cat "$D/half$c.pid")"
		rmdir "$CG$cgs/a"
	done
	r=$(mod_load)
	expect_eq "insmod at the end" "$r" ok
}

# --- soak: load/unload cycles under connection churn --------------------
# Not in the default run (scripts/soak.sh runs it: --only soak).
# Connect/close churn and a loop setting keepalive options on a socket
# run in a mode=force cgroup the whole time; each cycle loads tcpka,
# writes the policy, opens SOAK_N connections in another policy cgroup
# (re-armed when the policy changes), lets their rounds start, and
# unloads tcpka with all of it going on. SOAK_CYCLES times (200).
t_soak() {
	local cgs=/tcpka.slice/$T a n=${SOAK_N:-300} c r
	local cycles=${SOAK_CYCLES:-200}
	[ "${SLOW:-1}" -gt 1 ] && n=${SOAK_N:-100}
	cg_make "$cgs/srv" "$cgs/churn" "$cgs/a"
	pair "" 0
	a=$(srv_addr 4 0)
	ulimit -n $((n * 2 + 1024))
	# 7002 closes what it accepts silently: the cycles' sockets are
	# half-open, their probes answered by RSTs.
	bg sink "$cgs/srv" "s$N" $BENCH sink "$a" 7001
	bg sinkr "$cgs/srv" "s$N" $BENCH sink "$a" 7002 repair
	wait_line sink listening && wait_line sinkr listening || return
	bg churn "$cgs/churn" "c$N" sh -c \
		"while :; do $BENCH churn 500 >/dev/null || exit 1; done"
	bg flap "$cgs/churn" "c$N" $BENCH flap 1000000000 "$a" 7001
	for c in $(seq 1 "$cycles"); do
		if [ ! -e $PROC ]; then
			r=$(mod_load)
			[ "$r" = ok ] || { fail "cycle $c: insmod: $r"; return; }
		fi
		set_policy "set $cgs/churn idle=1 intvl=1 cnt=2 mode=force\nset $cgs/a idle=1 intvl=1 cnt=3"
		bg half "$cgs/a" "c$N" $BENCH halfopen "$n" "$a" 7002 900
		wait_line half connected 300 || return
		set_policy "set $cgs/a idle=1 intvl=2 cnt=3"
		sleep 1
		mod_unload || { fail "cycle $c: rmmod"; return; }
		[ -e $PROC ] && { fail "cycle $c: $PROC still there"; return; }
		kill "$(cat "$D/half.pid")"
		wait "$(cat "$D/half.pid")" 2>/dev/null
		[ -e "$D/churn.pid" ] && kill -0 "$(cat "$D/churn.pid")" ||
			{ fail "cycle $c: the churn loop died"; return; }
	done
	r=$(cat "$D/rmmod_retries" 2>/dev/null | awk '{ n += $1 } END { print n + 0 }')
	say "soak: $cycles cycles, $n sockets each, rmmod tried again $r times"
	echo "[$T] info: $cycles cycles, rmmod tried again $r times" >/dev/console
	r=$(mod_load)
	expect_eq "insmod at the end" "$r" ok
}

# --- the end: rmmod -----------------------------------------------------
t_unload() {
	[ -e $PROC/stats ] || fail "module not loaded before the final rmmod"
	mod_unload || fail "rmmod failed"
	[ -e $PROC ] && fail "$PROC still there after rmmod"
	[ -e /proc/sys/net/tcpka ] && fail "/proc/sys/net/tcpka still there after rmmod"
	grep -q '^tcpka ' /proc/modules && fail "tcpka still in /proc/modules"
	return 0
}

# --- runner -------------------------------------------------------------

emit() {
	echo "TCPKA-RESULT $*"
	[ -c /dev/ttyS1 ] && echo "TCPKA-RESULT $*" >/dev/ttyS1
}

# run_test NAME N: run test NAME as number N, report its result.
run_test() {
	T=$1
	N=$2
	D=$OUT/$T
	F=4
	local fn=$T t0 t1 why
	case $T in
	*_v4) fn=${T%_v4} ;;
	*_v6) fn=${T%_v6} F=6 ;;
	esac
	rm -rf "$D"
	mkdir -p "$D"
	: >"$D/err"
	t0=$(uptime_now)
	(t_$fn) >"$D/log" 2>&1
	kill_peers
	# Whatever the test did, its rounds add up (lib.sh).
	(
		for ns in "c$N" "c${N}x" "s$N" "s${N}x"; do
			expect_rounds_add_up "$ns"
		done
	) >>"$D/log" 2>&1
	netns_del "c$N" "c${N}x" "s$N" "s${N}x"
	t1=$(uptime_now)
	if [ -s "$D/err" ]; then
		(
			cat "$D/log"
			cd "$D" && for f in *.out *.stats *.cgroups; do
				[ -e "$f" ] && sed "s/^/$f: /" "$f"
			done
			for f in *.t; do [ -e "$f" ] && echo "$f: $(cat "$f")"; done
		) | sed "s/^/[$T] /"
		why=$(head -4 "$D/err" | tr '\n' ';' | sed 's/;$//')
		[ "$(wc -l <"$D/err")" -gt 4 ] &&
			why="$why; ... ($(wc -l <"$D/err") failures)"
		emit "not ok $T: $why"
	else
		emit "ok $T ($(fsub "$t1" "$t0")s)"
	fi
}

selected() {
	[ -z "$ONLY" ] && return 0
	case " $ONLY " in *" $1 "*) return 0 ;; esac
	return 1
}

ONLY=$(echo "$*" | tr ',' ' ')
for t in $ONLY; do
	case " $(echo $SERIAL_FIRST $PARALLEL $SERIAL_LAST $ON_REQUEST) " in
	*" $t "*) ;;
	*) echo "TCPKA-ERROR unknown test $t" ;;
	esac
done
mkdir -p "$OUT" "$CG/tcpka.slice"
plan=
for t in $SERIAL_FIRST $PARALLEL $SERIAL_LAST; do
	selected "$t" && plan="$plan $t"
done
for t in $ON_REQUEST; do
	case " $ONLY " in *" $t "*) plan="$plan $t" ;; esac
done
emit "PLAN$plan"

i=0
for t in $SERIAL_FIRST; do
	i=$((i + 1))
	selected "$t" && run_test "$t" $i
done
# The remaining tests need the module loaded.
if [ "${SKIP_LOAD:-0}" != 1 ] && [ ! -e $PROC ]; then
	r=$(mod_load)
	[ "$r" = ok ] || echo "tcpka.sh: insmod $KO: $r"
fi
# In waves of $JOBS tests (0: all at once).
pids=
n=0
for t in $PARALLEL; do
	i=$((i + 1))
	selected "$t" || continue
	run_test "$t" $i &
	pids="$pids $!"
	n=$((n + 1))
	if [ "${JOBS:-0}" -gt 0 ] && [ $n -ge "$JOBS" ]; then
		for p in $pids; do wait "$p"; done
		pids=
		n=0
	fi
done
for p in $pids; do wait "$p"; done
for t in $SERIAL_LAST; do
	i=$((i + 1))
	selected "$t" && run_test "$t" $i
done
for t in $ON_REQUEST; do
	i=$((i + 1))
	case " $ONLY " in *" $t "*) run_test "$t" $i ;; esac
done
emit "DONE"
