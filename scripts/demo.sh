#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make demo: boot Debian's own kernel in QEMU, load tcpka.ko with
# parameters, give a service cgroup a policy and drive three of its
# long-lived connections into ack, rst and timeout; print what an operator
# looks at. TCPKA_DEMO_KERNEL=6.12 picks the other Debian kernel.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

series=${TCPKA_DEMO_KERNEL:-6.1}
krel=$(krel_for "$series")
fetch_kernel "$krel" >/dev/null
ko=$("$TCPKA_TOP/scripts/build.sh" "$series" | tail -1)
log "booting Debian's $krel under QEMU (TCG); about a minute"
exec "$TCPKA_TOP/scripts/vm-test.sh" --kernel "$(kernel_image "$krel")" \
	--modules "$(kernel_modules "$krel")" --ko "$ko" \
	--run "$TCPKA_TOP/selftests/demo.sh"
