/* One interface over the two engines that run core.wasm on a device:
 * wasm3 (interpreter, engine_wasm3.c) and wasm2c (ahead-of-time, engine_wasm2c.c).
 * The ABI is docs/protocol.md's: vigil_input / vigil_handle / vigil_output.
 * One request at a time; nothing here allocates per request. */
#ifndef VIGIL_ENGINE_H
#define VIGIL_ENGINE_H
#include <stdint.h>

/* Build (or rebuild after a trap) the instance. 0 on success. */
int ve_load(void);
/* Guest buffer for a request of len bytes (vigil_input); NULL if over max_message or on a trap. */
uint8_t *ve_input(uint32_t len);
/* Run vigil_handle(len). Reply length, or -1 if the core trapped (the
 * instance is then discarded: call ve_load and restore state). */
int32_t ve_handle(uint32_t len);
/* The reply of the last ve_handle (vigil_output), valid until the next call. */
const uint8_t *ve_output(uint32_t n);
/* Linear memory pages (vigil_memory_pages). */
uint32_t ve_memory_pages(void);
/* "wasm3" or "wasm2c". */
const char *ve_name(void);
/* Last trap message (for logs). */
const char *ve_trap_message(void);

/* Instruction accounting for the bench: board_insns() is the board's count of
 * retired guest instructions (qemu -icount; 0 where there is none); each
 * engine adds the instructions spent inside the crypto imports. */
uint64_t board_insns(void);
extern uint64_t ve_import_insns;
extern uint32_t ve_import_calls;
#define VE_TIMED_IMPORT(call) __extension__({ uint64_t t0_ = board_insns(); int32_t r_ = (int32_t)(call); \
  ve_import_insns += board_insns() - t0_; ve_import_calls++; r_; })

#endif
