/* wasm-rt-impl.c includes this and defines (unused, static) mmap helpers; a
 * bare-metal board has no mmap: WASM_RT_MEMCHECK_SIGNAL_HANDLER=0 keeps them
 * dead, these declarations only let them compile. */
#ifndef VIGIL_STUB_MMAN_H
#define VIGIL_STUB_MMAN_H
#include <stddef.h>
#define PROT_NONE 0
#define PROT_READ 1
#define PROT_WRITE 2
#define MAP_PRIVATE 2
#define MAP_ANONYMOUS 0x20
#define MAP_FAILED ((void *)-1)
static inline void *mmap(void *a, size_t l, int p, int f, int fd, long o) { (void)a; (void)l; (void)p; (void)f; (void)fd; (void)o; return MAP_FAILED; }
static inline int mprotect(void *a, size_t l, int p) { (void)a; (void)l; (void)p; return -1; }
static inline int munmap(void *a, size_t l) { (void)a; (void)l; return -1; }
#endif
