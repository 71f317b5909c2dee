// SPDX-License-Identifier: GPL-2.0
/*
 * tcpka_bpfload: attach the bench's BPF peer (tcpka_ka.bpf.o) to a cgroup,
 * or detach it. Built with libbpf from Debian's libbpf-dev, statically,
 * for the test VM.
 *
 *   tcpka_bpfload attach CGROUPDIR OBJ   load OBJ, attach its sockops
 *                                        program to CGROUPDIR (stays
 *                                        attached after we exit)
 *   tcpka_bpfload detach CGROUPDIR       detach it again
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

static int attach(const char *cg, const char *obj_path)
{
	struct bpf_object *obj;
	struct bpf_program *prog;
	int cgfd, err;

	cgfd = open(cg, O_RDONLY | O_DIRECTORY);
	if (cgfd < 0) {
		perror(cg);
		return 1;
	}
	obj = bpf_object__open_file(obj_path, NULL);
	if (!obj || libbpf_get_error(obj)) {
		fprintf(stderr, "open %s failed\n", obj_path);
		return 1;
	}
	err = bpf_object__load(obj);
	if (err) {
		fprintf(stderr, "load %s: %s\n", obj_path, strerror(-err));
		return 1;
	}
	prog = bpf_object__find_program_by_name(obj, "tcpka_ka");
	if (!prog) {
		fprintf(stderr, "no program tcpka_ka in %s\n", obj_path);
		return 1;
	}
	if (bpf_prog_attach(bpf_program__fd(prog), cgfd, BPF_CGROUP_SOCK_OPS, 0)) {
		fprintf(stderr, "%s to %s: %s\n", __func__, cg, strerror(errno));
		return 1;
	}
	printf("attached %s\n", cg);
	return 0;
}

static int detach(const char *cg)
{
	int cgfd = open(cg, O_RDONLY | O_DIRECTORY);

	if (cgfd < 0) {
		perror(cg);
		return 1;
	}
	if (bpf_prog_detach(cgfd, BPF_CGROUP_SOCK_OPS)) {
		fprintf(stderr, "%s from %s: %s\n", __func__, cg, strerror(errno));
		return 1;
	}
	printf("detached %s\n", cg);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "attach"))
		return attach(argv[2], argv[3]);
	if (argc == 3 && !strcmp(argv[1], "detach"))
		return detach(argv[2]);
	fprintf(stderr, "usage: tcpka_bpfload attach CGROUPDIR OBJ | detach CGROUPDIR\n");
	return 2;
}
