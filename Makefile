# SPDX-License-Identifier: GPL-2.0
#
# make              build tcpka.ko for the running kernel (KDIR to override)
# make install      modules_install + depmod
# make demo         boot Debian's kernel in QEMU and show tcpka at work
# make check        every test: builds, checkpatch, sparse, KUnit, VM selftests, tcpkactl
# make clean
# make dkms-install dkms-remove   the module under DKMS (/usr/src/tcpka-VERSION)
# make install-tools              tcpkactl, tcpka-textfile, man pages to PREFIX, example configs to /etc
# make deb                        Debian packages tcpka-dkms and tcpka-tools (dpkg-buildpackage -b)

KDIR ?= /lib/modules/$(shell uname -r)/build
# The version is in one place, VERSION (debian/changelog starts at it; the
# DKMS copy's dkms.conf, the module's MODULE_VERSION and an installed
# tcpkactl get it from there).
VERSION := $(shell cat $(dir $(lastword $(MAKEFILE_LIST)))VERSION 2>/dev/null)
ifeq ($(VERSION),)
$(error no VERSION file next to the Makefile)
endif
PREFIX ?= /usr/local
DKMS_SRC ?= /usr/src/tcpka-$(VERSION)

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

soak:
	./scripts/soak.sh

# Only what builds the module: no tests, no build/ tree.
dkms-install:
	command -v dkms >/dev/null || { echo "dkms is not installed (apt-get install dkms)" >&2; exit 1; }
	if dkms status -m tcpka -v $(VERSION) | grep -q .; then \
		dkms remove -m tcpka -v $(VERSION) --all; fi
	$(MAKE) dkms-source
	dkms add -m tcpka -v $(VERSION)
	dkms build -m tcpka -v $(VERSION)
	dkms install -m tcpka -v $(VERSION)

# The sources DKMS builds from (scripts/dkms-test.sh builds them too).
dkms-source:
	rm -rf $(DKMS_SRC)
	install -d $(DKMS_SRC)/module $(DKMS_SRC)/include
	install -m 0644 Kbuild Makefile VERSION $(DKMS_SRC)/
	sed 's/#MODULE_VERSION#/$(VERSION)/' dkms.conf >$(DKMS_SRC)/dkms.conf
	install -m 0644 module/*.c module/*.h $(DKMS_SRC)/module/
	install -m 0644 include/*.h $(DKMS_SRC)/include/

dkms-remove:
	command -v dkms >/dev/null || { echo "dkms is not installed" >&2; exit 1; }
	if dkms status -m tcpka -v $(VERSION) | grep -q .; then \
		dkms remove -m tcpka -v $(VERSION) --all; fi
	rm -rf $(DKMS_SRC)

# The example configuration files go in only where none is yet.
install-tools:
	install -d $(DESTDIR)$(PREFIX)/sbin $(DESTDIR)$(PREFIX)/share/man/man7 \
		$(DESTDIR)$(PREFIX)/share/man/man8
	sed 's/^TCPKA_VERSION=.*/TCPKA_VERSION=$(VERSION)/' scripts/tcpkactl \
		>$(DESTDIR)$(PREFIX)/sbin/tcpkactl
	chmod 0755 $(DESTDIR)$(PREFIX)/sbin/tcpkactl
	install -m 0755 scripts/tcpka-textfile $(DESTDIR)$(PREFIX)/sbin/tcpka-textfile
	install -m 0644 docs/man/tcpka.7 $(DESTDIR)$(PREFIX)/share/man/man7/
	install -m 0644 docs/man/tcpkactl.8 docs/man/tcpka-textfile.8 \
		$(DESTDIR)$(PREFIX)/share/man/man8/
	install -d $(DESTDIR)/etc/tcpka
	for f in modprobe.d/tcpka.conf sysctl.d/90-tcpka.conf; do \
		[ -e $(DESTDIR)/etc/$$f ] || \
			install -D -m 0644 packaging/$$f $(DESTDIR)/etc/$$f; \
	done
	[ -e $(DESTDIR)/etc/systemd/system/tcpka-restore.service ] || \
		{ install -d $(DESTDIR)/etc/systemd/system && \
		  sed 's|/usr/local/sbin/|$(PREFIX)/sbin/|' \
			packaging/systemd/tcpka-restore.service \
			>$(DESTDIR)/etc/systemd/system/tcpka-restore.service; }

# Debian packages from debian/, into build/deb/.
deb:
	./scripts/deb.sh

clean:
	$(MAKE) -C $(KDIR) M=$(CURDIR) clean 2>/dev/null || true
	rm -rf build

.PHONY: all modules install demo check bench soak clean dkms-install dkms-remove dkms-source \
	install-tools deb
