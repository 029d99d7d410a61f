/* Intrusive chained hash table (see htable.h). */
#include "htable.h"

#include <string.h>

void diag__htable_init(diag__htable *t, uint64_t seed) {
  memset(t, 0, sizeof *t);
  t->seed = seed;
}

void diag__htable_fini(diag__htable *t, diag__mem *mem) {
  diag__free(mem, t->buckets);
  t->buckets = NULL;
  t->nbuckets = 0;
  t->count = 0;
}

/* 64-bit multiply-xorshift over 8-byte words, seeded: quick on short keys
 * and well mixed in the low bits the bucket index uses. */
static uint64_t mix(uint64_t h) {
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ULL;
  h ^= h >> 33;
  return h;
}

uint64_t diag__htable_hash(const diag__htable *t, const char *key, size_t len) {
  uint64_t h = mix(t->seed ^ (len * 0x9e3779b97f4a7c15ULL));
  size_t i = 0;
  for (; i + 8 <= len; i += 8) {
    uint64_t w;
    memcpy(&w, key + i, 8);
    h = mix(h ^ w) + 0x9e3779b97f4a7c15ULL;
  }
  uint64_t tail = 0;
  for (size_t k = 0; i + k < len; k++)
    tail |= (uint64_t)(unsigned char)key[i + k] << (8 * k);
  return mix(h ^ tail);
}

diag__hnode *diag__htable_find(const diag__htable *t, const char *key, size_t len, uint64_t hash) {
  if (!t->buckets) return NULL;
  for (diag__hnode *n = t->buckets[hash & (t->nbuckets - 1)]; n; n = n->next)
    if (n->hash == hash && n->len == len && memcmp(n->key, key, len) == 0) return n;
  return NULL;
}

static diag_status rehash(diag__htable *t, diag__mem *mem, size_t nbuckets) {
  diag__hnode **b = diag__calloc(mem, nbuckets, sizeof *b);
  if (!b) return diag__mem_failure(mem);
  for (size_t i = 0; i < t->nbuckets; i++) {
    for (diag__hnode *n = t->buckets[i], *next; n; n = next) {
      next = n->next;
      diag__hnode **slot = &b[n->hash & (nbuckets - 1)];
      n->next = *slot;
      *slot = n;
    }
  }
  diag__free(mem, t->buckets);
  t->buckets = b;
  t->nbuckets = nbuckets;
  return DIAG_OK;
}

diag_status diag__htable_insert(diag__htable *t, diag__mem *mem, diag__hnode *node) {
  if (t->count >= t->nbuckets) {
    diag_status st = rehash(t, mem, t->nbuckets ? t->nbuckets * 2 : 16);
    if (st != DIAG_OK) return st;
  }
  diag__hnode **slot = &t->buckets[node->hash & (t->nbuckets - 1)];
  node->next = *slot;
  *slot = node;
  t->count++;
  return DIAG_OK;
}

void diag__htable_remove(diag__htable *t, diag__hnode *node) {
  diag__hnode **p = &t->buckets[node->hash & (t->nbuckets - 1)];
  while (*p && *p != node)
    p = &(*p)->next;
  if (*p) {
    *p = node->next;
    t->count--;
  }
}
