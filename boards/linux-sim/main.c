/* linux-sim: the device as a native Linux process. Serial frames on stdin,
 * replies on stdout (or a pty: `--pty` prints the slave path on stderr). */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <fcntl.h>
#include <errno.h>
#include <poll.h>
#include <termios.h>
#include "../../firmware/serial/serial.h"
#include "../../firmware/device/device.h"
#include "../../firmware/engine/vigil_engine.h"

static int out_fd = 1;

void ser_write(const uint8_t *p, uint32_t n) {
  while (n) {
    ssize_t k = write(out_fd, p, n);
    if (k < 0) { if (errno == EINTR) continue; exit(1); }
    p += k; n -= (uint32_t)k;
  }
}

void vigil_fatal(const char *msg) { fprintf(stderr, "fatal: %s\n", msg); abort(); }

int main(int argc, char **argv) {
  int in_fd = 0;
  if (argc > 1 && !strcmp(argv[1], "--pty")) {
    /* the devpts instance mounted at /dev/pts (containers may give /dev/ptmx another one) */
    int m = open("/dev/pts/ptmx", O_RDWR | O_NOCTTY);
    if (m < 0 || access(ptsname(m) ? ptsname(m) : "/", F_OK) != 0) { if (m >= 0) close(m); m = posix_openpt(O_RDWR | O_NOCTTY); }
    if (m < 0 || grantpt(m) || unlockpt(m)) { perror("pty"); return 1; }
    /* raw 8-bit link on the device side too */
    struct termios t;
    if (tcgetattr(m, &t) == 0) { cfmakeraw(&t); tcsetattr(m, TCSANOW, &t); }
    fprintf(stderr, "pty %s\n", ptsname(m));
    in_fd = out_fd = m;
  }
  if (dev_init()) { fprintf(stderr, "engine %s failed to load: %s\n", ve_name(), ve_trap_message()); return 1; }
  fprintf(stderr, "vigil linux-sim ready (%s)\n", ve_name());
  static uint8_t buf[65536];
  for (;;) {
    /* 30 ms without a byte: a frame cut short is given up (ser_idle) */
    struct pollfd pfd = { in_fd, POLLIN, 0 };
    int pr = poll(&pfd, 1, 30);
    if (pr == 0) { ser_idle(); continue; }
    if (pr < 0) { if (errno == EINTR) continue; break; }
    ssize_t n = read(in_fd, buf, sizeof buf);
    if (n == 0) break;
    if (n < 0) { if (errno == EINTR) continue; break; }
    ser_feed(buf, (uint32_t)n);
  }
  fprintf(stderr, "executed %u, nacks %u, replays %u\n", dev_executed, ser_nacks, ser_replays);
  return 0;
}
