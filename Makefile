# SPDX-License-Identifier: GPL-2.0
#
# make              build tcpka.ko for the running kernel (KDIR to override)
# make install      modules_install + depmod
# make demo         boot Debian's kernel in QEMU and show tcpka at work
# make check        every test: builds, checkpatch, sparse, KUnit, VM selftests
# make clean

KDIR ?= /lib/modules/$(shell uname -r)/build

all: modules

modules:
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

install: modules
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules_install
	depmod -a $(notdir $(patsubst %/build,%,$(KDIR)))

demo:
	./scripts/demo.sh

check:
	./scripts/check.sh

bench:
	./scripts/bench.sh

clean:
	$(MAKE) -C $(KDIR) M=$(CURDIR) clean 2>/dev/null || true
	rm -rf build

.PHONY: all modules install demo check bench clean
