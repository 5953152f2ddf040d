// The Linux system interfaces the proxy's event loop uses that Swift's Glibc module leaves out:
// epoll, eventfd, accept4, pipe2 and splice.
#ifndef C_PROXY_LOOP_H
#define C_PROXY_LOOP_H

#include <stdint.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>

// epoll's event bits as plain constants: glibc declares them as members of an enum that Swift
// brings into scope only where some other module (SwiftNIO's, once) happens to import it.
static const uint32_t c_proxy_loop_epollin = EPOLLIN;
static const uint32_t c_proxy_loop_epollout = EPOLLOUT;
static const uint32_t c_proxy_loop_epollrdhup = EPOLLRDHUP;
static const uint32_t c_proxy_loop_epollerr = EPOLLERR;
static const uint32_t c_proxy_loop_epollhup = EPOLLHUP;
static const uint32_t c_proxy_loop_epollet = EPOLLET;

// accept4(2) with no peer address wanted; declared by glibc only under _GNU_SOURCE, which this
// header must not define (it would change the system headers Swift's Glibc module shares).
int c_proxy_loop_accept4(int fd, int flags);

// A non-blocking, close-on-exec pipe (pipe2(2)) asked to hold `size` bytes: its capacity, or -1.
int c_proxy_loop_pipe(int fds[2], int size);

// read(2) and send(2) with MSG_NOSIGNAL made through syscall(2): glibc's own wrappers are
// cancellation points, and their bookkeeping was 1.5% of the proxy's CPU per HTTP request
// (docs/benchmarks.md). The loop threads are never cancelled.
long c_proxy_loop_read(int fd, void *buffer, long count);
long c_proxy_loop_send(int fd, const void *buffer, long count);

// splice(2) of up to `count` bytes between a socket and a pipe, moving pages and never blocking.
long c_proxy_loop_splice(int source, int sink, long count);

#endif
