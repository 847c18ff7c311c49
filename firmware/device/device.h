/* The device end of the signer: runs requests through the engine and keeps
 * the write-ahead contract of docs/protocol.md §State exactly as the Node
 * InProcessTransport does (state_export → commit → state_ack before the reply
 * is released; init + state_import after a trap), so replies are identical.
 * The records and the init frame live in the flash store (firmware/storage)
 * of board_flash(); dev_init restores them at boot. */
#ifndef VIGIL_DEVICE_H
#define VIGIL_DEVICE_H
#include <stdint.h>

int dev_init(void);
/* One request frame in; the reply frame (in a device buffer, valid until the next call). */
const uint8_t *dev_request(const uint8_t *req, uint32_t len, uint32_t *reply_len);
/* Requests executed by the core (not counting internal ones): for the fault tests. */
extern uint32_t dev_executed;
/* The last request, in guest instructions (board_insns; 0 without a counter):
 * all of it, inside the crypto imports, inside the flash store commit. */
typedef struct { uint64_t insns, import_insns, store_insns; uint32_t import_calls; } dev_counters;
extern dev_counters dev_last;

/* Board hook (firmware/storage/flash.h): the flash the state lives in. Without
 * one (NULL) every state-changing request is answered INTERNAL: nothing is
 * released that is not durable. */
#endif
