/* linux-sim: the device as a native Linux process. Serial frames on stdin,
 * replies on stdout (or a pty: `--pty` prints the slave path on stderr).
 * Flash (firmware/storage): a RAM region by default; `--flash FILE` keeps it
 * in a file (created blank), so state survives a restart; `--geometry SxN`
 * (sector bytes × sectors, default 4096x16); `--cut N` dies (exit 77) in the
 * middle of write point N (firmware/storage/flash_sim.h) for the power-loss
 * test, `--cut-seed S` varies how the torn byte comes out; `--flash-log FILE`
 * appends one line per program/erase: "P|E addr bytes first_write_point". */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <fcntl.h>
#include <errno.h>
#include <poll.h>
#include <termios.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include "../../firmware/serial/serial.h"
#include "../../firmware/device/device.h"
#include "../../firmware/engine/vigil_engine.h"
#include "../../firmware/storage/flash_sim.h"
#include "../../firmware/storage/store.h"

static int out_fd = 1;

void ser_write(const uint8_t *p, uint32_t n) {
  while (n) {
    ssize_t k = write(out_fd, p, n);
    if (k < 0) { if (errno == EINTR) continue; exit(1); }
    p += k; n -= (uint32_t)k;
  }
}

void vigil_fatal(const char *msg) { fprintf(stderr, "fatal: %s\n", msg); abort(); }

static vs_flash flash;
static vs_sim_flash sim;
static int log_fd = -1;
const vs_flash *board_flash(void) { return &flash; }

/* power cut: the process stops here; bytes already in the file mapping stay */
static void power_cut(void) { _exit(77); }
static void log_op(char op, uint32_t addr, uint32_t n, uint64_t first) {
  char line[80];
  int k = snprintf(line, sizeof line, "%c %u %u %llu\n", op, addr, n, (unsigned long long)first);
  if (write(log_fd, line, (size_t)k) < 0) exit(1);
}

static int flash_setup(const char *file, uint32_t ss, uint32_t ns) {
  size_t size = (size_t)ss * ns;
  uint8_t *mem;
  if (file) {
    int fd = open(file, O_RDWR | O_CREAT, 0644);
    struct stat stt;
    if (fd < 0 || fstat(fd, &stt)) { perror(file); return -1; }
    if ((size_t)stt.st_size != size) {
      if (stt.st_size != 0) { fprintf(stderr, "%s: %lld bytes, geometry wants %zu\n", file, (long long)stt.st_size, size); return -1; }
      uint8_t *blank = malloc(size);
      memset(blank, 0xff, size);
      if (!blank || write(fd, blank, size) != (ssize_t)size) { perror(file); return -1; }
      free(blank);
    }
    mem = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (mem == MAP_FAILED) { perror("mmap"); return -1; }
  } else {
    mem = malloc(size);
    if (!mem) return -1;
    memset(mem, 0xff, size);
  }
  sim.mem = mem; sim.sector_size = ss; sim.sectors = ns; sim.on_cut = power_cut;
  if (log_fd >= 0) sim.on_op = log_op;
  vs_sim_flash_init(&flash, &sim);
  return 0;
}

int main(int argc, char **argv) {
  int in_fd = 0, pty = 0;
  const char *flash_file = NULL;
  uint32_t ss = 4096, ns = 16;
  sim.cut_at = UINT64_MAX;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (!strcmp(a, "--pty")) pty = 1;
    else if (!strcmp(a, "--flash") && v) { flash_file = v; i++; }
    else if (!strcmp(a, "--geometry") && v && sscanf(v, "%ux%u", &ss, &ns) == 2) i++;
    else if (!strcmp(a, "--cut") && v) { sim.cut_at = strtoull(v, NULL, 10); i++; }
    else if (!strcmp(a, "--cut-seed") && v) { sim.seed = (uint32_t)strtoul(v, NULL, 10); i++; }
    else if (!strcmp(a, "--flash-log") && v) { log_fd = open(v, O_WRONLY | O_CREAT | O_APPEND, 0644); i++; }
    else { fprintf(stderr, "usage: %s [--pty] [--flash FILE] [--geometry SxN] [--cut N] [--cut-seed S] [--flash-log FILE]\n", argv[0]); return 2; }
  }
  if (flash_setup(flash_file, ss, ns)) return 1;
  if (pty) {
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
  if (dev_init()) { fprintf(stderr, "engine %s failed to load or state restore failed: %s\n", ve_name(), ve_trap_message()); return 1; }
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
  const vs_stats *fs = vs_get_stats();
  fprintf(stderr, "executed %u, nacks %u, replays %u\n", dev_executed, ser_nacks, ser_replays);
  fprintf(stderr, "flash: %llu write points, %u batches, %u snapshots, %u erases, %u bytes programmed, %u free, %u dirty mounts, %u violations\n",
    (unsigned long long)sim.count, fs->batches, fs->snapshots, fs->erases, fs->programmed, fs->free_bytes, fs->dirty_mounts, sim.violations);
  return 0;
}
