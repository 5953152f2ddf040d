// The Linux system interfaces the proxy's event loop uses that Swift's Glibc module leaves out:
// epoll, eventfd, accept4, pipe2 and splice.
#ifndef C_PROXY_LOOP_H
#define C_PROXY_LOOP_H

#include <sys/epoll.h>
#include <sys/eventfd.h>

// accept4(2) with no peer address wanted; declared by glibc only under _GNU_SOURCE, which this
// header must not define (it would change the system headers Swift's Glibc module shares).
int c_proxy_loop_accept4(int fd, int flags);

// A non-blocking, close-on-exec pipe (pipe2(2)) asked to hold `size` bytes: its capacity, or -1.
int c_proxy_loop_pipe(int fds[2], int size);

// splice(2) of up to `count` bytes between a socket and a pipe, moving pages and never blocking.
long c_proxy_loop_splice(int source, int sink, long count);

#endif
