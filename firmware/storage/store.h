/* The signer's durable state on NOR flash (docs/firmware.md §Flash store):
 * the records of docs/protocol.md §State plus the init frame, committed in
 * atomic batches to a log of CRC-checked entries over a ring of sectors
 * (wear levelling: sectors are used round-robin), with a full snapshot
 * whenever the log needs room. After a power cut at any byte of any program
 * or erase, vs_mount finds the state of the last entry that was completely
 * written: before or after the interrupted commit, nothing else.
 * One store per device (static state); records are also kept in RAM. */
#ifndef VIGIL_STORE_H
#define VIGIL_STORE_H
#include <stdint.h>
#include "flash.h"

typedef struct vs_rec { struct vs_rec *next; uint64_t version; uint32_t klen, vlen; uint8_t data[]; } vs_rec;

typedef struct {
  uint32_t batches, snapshots, erases, programmed; /* since boot */
  uint32_t head_sector, tail_sector, free_bytes, snapshot_bytes, max_sector_seq, commit_seq;
  uint32_t dirty_mounts; /* mounts that found a torn entry or a dirty tail */
} vs_stats;

enum { VS_OK = 0, VS_EFLASH = -1, VS_EFORMAT = -2, VS_ENOSPC = -3, VS_ENOMEM = -4, VS_EGEOMETRY = -5 };

/* Read the flash and rebuild the state (empty on blank flash). Never writes. */
int vs_mount(const vs_flash *f);
/* Commit a batch atomically; `batch` is a state_export body (u64 state_version |
 * u32 n | n × (varbytes key | u64 version | u8 deleted | varbytes value)),
 * `init` the init request frame when this batch comes from init (else NULL).
 * Returns VS_OK once the batch is durable; on an error nothing changed
 * (the RAM state is re-read from flash). */
int vs_commit(const uint8_t *init, uint32_t init_len, const uint8_t *batch, uint32_t len);

const vs_rec *vs_records(void);         /* live records, in first-insertion order */
uint64_t vs_state_version(void);
const uint8_t *vs_init_frame(uint32_t *len); /* NULL before the first init */
const vs_stats *vs_get_stats(void);
#endif
