#define _GNU_SOURCE
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "CProxyLoop.h"

int c_proxy_loop_accept4(int fd, int flags) {
    return accept4(fd, 0, 0, flags);
}

int c_proxy_loop_pipe(int fds[2], int size) {
    if (pipe2(fds, O_NONBLOCK | O_CLOEXEC) != 0) return -1;
    // Larger than the default 64 KiB, so a bulk transfer takes fewer splices; a refusal
    // (over /proc/sys/fs/pipe-max-size) leaves the default.
    (void)fcntl(fds[0], F_SETPIPE_SZ, size);
    return fcntl(fds[0], F_GETPIPE_SZ);
}

long c_proxy_loop_read(int fd, void *buffer, long count) {
    return syscall(SYS_read, fd, buffer, (size_t)count);
}

long c_proxy_loop_send(int fd, const void *buffer, long count) {
    return syscall(SYS_sendto, fd, buffer, (size_t)count, MSG_NOSIGNAL, (void *)0, 0);
}

long c_proxy_loop_splice(int source, int sink, long count) {
    return splice(source, 0, sink, 0, (size_t)count, SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
}
