/* A hash table of byte-string keys with intrusive nodes.
 *
 * The caller embeds a diag__hnode in its own struct and owns the key bytes
 * (they must outlive the node's membership). Chains are short because the
 * table doubles at a load of 1, and each table hashes with its own seed, so
 * keys read from a log (addresses, connection ids) cannot be chosen to pile
 * into one chain. Used for the aggregation state, whose size the session
 * caps, so the table never grows without bound. */
#ifndef DIAG_CORE_HTABLE_H
#define DIAG_CORE_HTABLE_H

#include "mem.h"

typedef struct diag__hnode {
  struct diag__hnode *next;
  uint64_t hash;
  const char *key;
  size_t len;
} diag__hnode;

typedef struct diag__htable {
  diag__hnode **buckets; /* nbuckets entries, a power of two; NULL until the first insert */
  size_t nbuckets;
  size_t count;
  uint64_t seed;
} diag__htable;

/* An empty table; seed varies the hash (any value). */
void diag__htable_init(diag__htable *t, uint64_t seed);
/* Frees the bucket array (not the nodes, which the caller owns). */
void diag__htable_fini(diag__htable *t, diag__mem *mem);

uint64_t diag__htable_hash(const diag__htable *t, const char *key, size_t len);
/* The node with this key, or NULL. hash is diag__htable_hash(t, key, len). */
diag__hnode *diag__htable_find(const diag__htable *t, const char *key, size_t len, uint64_t hash);
/* Adds a node whose key, len and hash are set; the key must not be in the
 * table. Fails only when growing the buckets fails (the node is then not
 * added). */
diag_status diag__htable_insert(diag__htable *t, diag__mem *mem, diag__hnode *node);
/* Removes a node that is in the table. */
void diag__htable_remove(diag__htable *t, diag__hnode *node);

#endif
