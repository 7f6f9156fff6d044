// SPDX-License-Identifier: GPL-2.0
/*
 * pw-nocap ptrace|admin CMD [ARG...]: drop CAP_SYS_PTRACE (or
 * CAP_SYS_ADMIN) from the bounding and effective sets, then exec CMD. As
 * uid 0 the kernel recomputes the capabilities at exec from the bounding
 * set, so CMD runs as root without that capability (capabilities(7)).
 */
#include "config.h"

#include <errno.h>
#include <linux/capability.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

static int drop(int cap)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[2];

	if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0))
		return -errno;
	if (syscall(SYS_capget, &hdr, data))
		return -errno;
	data[cap / 32].effective &= ~(1U << (cap % 32));
	if (syscall(SYS_capset, &hdr, data))
		return -errno;
	return 0;
}

int main(int argc, char **argv)
{
	int cap, err;

	if (argc < 3 || (strcmp(argv[1], "ptrace") && strcmp(argv[1], "admin"))) {
		fprintf(stderr, "usage: pw-nocap ptrace|admin CMD [ARG...]\n");
		return 2;
	}
	cap = strcmp(argv[1], "ptrace") ? CAP_SYS_ADMIN : CAP_SYS_PTRACE;
	err = drop(cap);
	if (err) {
		fprintf(stderr, "pw-nocap: dropping capability %d: %s\n", cap, strerror(-err));
		return 1;
	}
	execvp(argv[2], argv + 2);
	fprintf(stderr, "pw-nocap: %s: %s\n", argv[2], strerror(errno));
	return 127;
}
