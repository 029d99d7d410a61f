#include "regex.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

/* Nesting depth allowed to one match; the step limit is the session's. */
#define DIAG__REGEX_DEPTH 1000

struct diag__regex {
  diag__mem *mem;
  pcre2_general_context *gen;
  pcre2_code *code;
};

struct diag__regex_scratch {
  diag__mem *mem;
  pcre2_general_context *gen;
  pcre2_match_context *ctx;
  pcre2_match_data *data;
};

/* PCRE2 allocates through our allocator, so its memory counts in the KB's
 * or the session's budget like everything else. */
static void *pcre_alloc(PCRE2_SIZE size, void *mem) { return diag__alloc(mem, size); }
static void pcre_free(void *p, void *mem) { diag__free(mem, p); }

diag_status diag__regex_compile(diag__mem *mem, const char *pattern, size_t len, diag__regex **out,
                                char *msg, size_t msg_cap, size_t *where) {
  *out = NULL;
  *where = 0;
  if (msg_cap) msg[0] = '\0';
  diag__regex *re = diag__calloc(mem, 1, sizeof *re);
  if (!re) return diag__mem_failure(mem);
  re->mem = mem;
  re->gen = pcre2_general_context_create(pcre_alloc, pcre_free, mem);
  pcre2_compile_context *cctx = re->gen ? pcre2_compile_context_create(re->gen) : NULL;
  if (!cctx) {
    diag__regex_free(re);
    return diag__mem_failure(mem);
  }
  int code = 0;
  PCRE2_SIZE offset = 0;
  re->code =
      pcre2_compile((PCRE2_SPTR)pattern, len, PCRE2_UTF | PCRE2_MATCH_INVALID_UTF | PCRE2_CASELESS,
                    &code, &offset, cctx);
  pcre2_compile_context_free(cctx);
  if (!re->code) {
    diag_status st = code == PCRE2_ERROR_HEAP_FAILED || code == PCRE2_ERROR_NOMEMORY
                         ? diag__mem_failure(mem)
                         : DIAG_EKB;
    if (msg_cap) pcre2_get_error_message(code, (PCRE2_UCHAR *)msg, msg_cap);
    *where = offset;
    diag__regex_free(re);
    return st;
  }
  /* No JIT: its executable memory would bypass the caller's allocator, and
   * KB regexes only run on records the cheaper conditions let through. */
  *out = re;
  return DIAG_OK;
}

void diag__regex_free(diag__regex *re) {
  if (!re) return;
  pcre2_code_free(re->code);
  pcre2_general_context_free(re->gen);
  diag__free(re->mem, re);
}

diag_status diag__regex_scratch_new(diag__mem *mem, uint64_t steps, diag__regex_scratch **out) {
  diag__regex_scratch *s = diag__calloc(mem, 1, sizeof *s);
  *out = NULL;
  if (!s) return diag__mem_failure(mem);
  s->mem = mem;
  s->gen = pcre2_general_context_create(pcre_alloc, pcre_free, mem);
  s->ctx = s->gen ? pcre2_match_context_create(s->gen) : NULL;
  /* One pair: only whether it matched matters, not where. */
  s->data = s->gen ? pcre2_match_data_create(1, s->gen) : NULL;
  if (!s->ctx || !s->data) {
    diag__regex_scratch_free(s);
    return diag__mem_failure(mem);
  }
  diag__regex_scratch_set_steps(s, steps);
  pcre2_set_depth_limit(s->ctx, DIAG__REGEX_DEPTH);
  *out = s;
  return DIAG_OK;
}

void diag__regex_scratch_set_steps(diag__regex_scratch *s, uint64_t steps) {
  if (s) pcre2_set_match_limit(s->ctx, steps > UINT32_MAX ? UINT32_MAX : (uint32_t)steps);
}

void diag__regex_scratch_free(diag__regex_scratch *s) {
  if (!s) return;
  pcre2_match_data_free(s->data);
  pcre2_match_context_free(s->ctx);
  pcre2_general_context_free(s->gen);
  diag__free(s->mem, s);
}

int diag__regex_match(const diag__regex *re, diag__regex_scratch *s, const char *text, size_t len) {
  int rc = pcre2_match(re->code, (PCRE2_SPTR)text, len, 0, 0, s->data, s->ctx);
  if (rc >= 0) return 1; /* 0: matched, ovector too small for the groups */
  if (rc == PCRE2_ERROR_NOMATCH) return 0;
  if (rc == PCRE2_ERROR_NOMEMORY) return -2; /* no memory for the backtracking */
  return -1;                                 /* match or depth limit */
}
