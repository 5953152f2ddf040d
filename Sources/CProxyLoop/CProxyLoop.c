#define _GNU_SOURCE
#include <sys/socket.h>
#include "CProxyLoop.h"

int c_proxy_loop_accept4(int fd, int flags) {
    return accept4(fd, 0, 0, flags);
}
