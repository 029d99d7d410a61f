/* gen_iis: a deterministic generator of Exchange-server IIS W3C logs.
 *
 * Usage: gen_iis SIZE_BYTES SEED [6|8.5] > file
 *
 * Writes at least SIZE_BYTES (K, M, G suffixes allowed, powers of 1024) of
 * IIS 6.0 (default) or IIS 8.5 W3C extended log with the 17-field layout
 * used by the fixtures, header blocks repeated about every 50,000 lines as
 * after a service restart, and time that only moves forward. The traffic is
 * mostly normal (OWA reads after the anonymous `401 2 2148074254` challenge,
 * ActiveSync, RPC over HTTP, wrong passwords, 404s, successful Duet
 * PROPPATCHes), with a known number of Duet 1.5 failures (the series of
 * large PROPPATCH attempts on Drafts items refused with 401.5, each after
 * its anonymous leg) and near misses: 401.5 on an OWA GET, PROPPATCH 401.5
 * outside Drafts .EML items, and small PROPPATCH 401.5 on Drafts items.
 *
 * The same SIZE_BYTES, SEED and version give the same bytes on every
 * platform: the PRNG is xorshift64* seeded by splitmix64, never rand().
 *
 * At the end it prints to standard error, one `key=value` a line, the
 * exact counts the built-in rule duet-rh-401-5-temp-acl must report on the
 * output: lines, records and the matches of each rule. The counts come from
 * evaluating the rule's predicates on every row written, not from the
 * traffic kinds, so they stay right whichever kind produced a row. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- PRNG ---------------------------------------------------------------- */

typedef struct rng {
  uint64_t s;
} rng;

static uint64_t splitmix64(uint64_t *x) {
  uint64_t z = (*x += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

static uint64_t rng_next(rng *r) { /* xorshift64* */
  r->s ^= r->s >> 12;
  r->s ^= r->s << 25;
  r->s ^= r->s >> 27;
  return r->s * 0x2545F4914F6CDD1Dull;
}

/* Uniform in [0, n) (n > 0), by multiply-shift on the high 32 bits. */
static uint32_t below(rng *r, uint32_t n) {
  return (uint32_t)(((rng_next(r) >> 32) * (uint64_t)n) >> 32);
}

/* Uniform in [lo, hi]. */
static uint32_t between(rng *r, uint32_t lo, uint32_t hi) { return lo + below(r, hi - lo + 1); }

/* ---- output -------------------------------------------------------------- */

#define OUT_CAP  (8u << 20) /* flushed with one fwrite when nearly full */
#define LINE_MAX 2048u      /* no line comes close */

static char out_buf[OUT_CAP];
static size_t out_len;
static uint64_t out_total;

static void flush_out(void) {
  if (out_len && fwrite(out_buf, 1, out_len, stdout) != out_len) {
    fprintf(stderr, "gen_iis: write error: %s\n", strerror(errno));
    exit(1);
  }
  out_total += out_len;
  out_len = 0;
}

static char *line_begin(void) {
  if (out_len + LINE_MAX > OUT_CAP) flush_out();
  return out_buf + out_len;
}

static void line_end(const char *p) { out_len = (size_t)(p - out_buf); }

static char *put(char *p, const char *s, size_t n) {
  memcpy(p, s, n);
  return p + n;
}

static char *put_z(char *p, const char *s) { return put(p, s, strlen(s)); }

static char *put_u64(char *p, uint64_t v) {
  char tmp[20];
  size_t n = 0;
  do {
    tmp[n++] = (char)('0' + v % 10);
    v /= 10;
  } while (v);
  while (n)
    *p++ = tmp[--n];
  return p;
}

static char *put_2(char *p, unsigned v) {
  p[0] = (char)('0' + v / 10 % 10);
  p[1] = (char)('0' + v % 10);
  return p + 2;
}

/* ---- calendar and clock -------------------------------------------------- */

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = (unsigned)(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + (int64_t)doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = (unsigned)(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = (int64_t)yoe + era * 400 + (*m <= 2);
}

typedef struct clock_state {
  int64_t day0;      /* days since the epoch of the first day */
  uint64_t ms;       /* milliseconds since day0 00:00:00 UTC */
  uint64_t cached_s; /* second the stamp below was made for */
  char stamp[19];    /* "YYYY-MM-DD HH:MM:SS" */
} clock_state;

static const char *stamp(clock_state *c) {
  uint64_t s = c->ms / 1000;
  if (s == c->cached_s) return c->stamp;
  int64_t y;
  unsigned m, d;
  civil_from_days(c->day0 + (int64_t)(s / 86400), &y, &m, &d);
  unsigned sod = (unsigned)(s % 86400);
  char *p = c->stamp;
  p = put_2(p, (unsigned)(y / 100));
  p = put_2(p, (unsigned)(y % 100));
  *p++ = '-';
  p = put_2(p, m);
  *p++ = '-';
  p = put_2(p, d);
  *p++ = ' ';
  p = put_2(p, sod / 3600);
  *p++ = ':';
  p = put_2(p, sod / 60 % 60);
  *p++ = ':';
  put_2(p, sod % 60);
  c->cached_s = s;
  return c->stamp;
}

static unsigned hour_of(const clock_state *c) { return (unsigned)(c->ms / 3600000 % 24); }

/* ---- the server's population --------------------------------------------- */

static const char *const NAMES[] = {
    "asmith",   "jdoe",       "kweber",   "mmueller",  "lschmidt", "pfischer", "tmeyer",
    "awagner",  "sbecker",    "hschulz",  "jhoffmann", "ckoch",    "rrichter", "eklein",
    "mwolf",    "dschroeder", "fneumann", "gschwarz",  "bzimmer",  "kbraun",   "hkrueger",
    "uhofmann", "vhartmann",  "wlange",   "nschmitt",  "owerner",  "ikrause",  "jmeier",
    "llehmann", "mschmid",    "pschulze", "rmaier"};
#define NUSERS (sizeof NAMES / sizeof NAMES[0])

typedef struct user {
  const char *name;
  char account[24]; /* DE\name */
  char ip[16];      /* the user's desktop */
  char device[16];  /* the user's phone, for ActiveSync */
  char phone_ip[16];
} user;

#define SITE       "W3SVC1"
#define SERVER_IP  "10.3.13.56"
#define DUET_USER  "DE\\DS91FE"
#define DUET_IP    "10.16.0.95"
#define DUET_UA    "Microsoft+Data+Access+Internet+Publishing+Provider+DAV"
#define MSRPC_UA   "MSRPC"
#define EAS_UA     "Microsoft-PocketPC/3.0"
#define IE7_UA     "Mozilla/4.0+(compatible;+MSIE+7.0;+Windows+NT+5.1)"
#define IE11_UA    "Mozilla/5.0+(Windows+NT+6.1;+WOW64;+Trident/7.0;+rv:11.0)+like+Gecko"
#define OUTLOOK_UA "Microsoft+Office/15.0+(Windows+NT+6.1;+Microsoft+Outlook+15.0.4693;+Pro)"
#define OUTLOOK07_UA                                                                               \
  "Microsoft+Office/12.0+(Windows+NT+5.1;+Microsoft+Office+Outlook+12.0.6315;+Pro)"
#define NO_CREDENTIALS 2148074254u /* SEC_E_NO_CREDENTIALS */

/* One row of the 17-field layout. */
typedef struct row {
  const char *method;
  const char *stem;
  size_t stem_len;
  const char *query; /* "-" when empty */
  unsigned port;
  const char *user; /* "-" when anonymous */
  const char *cip;
  const char *ua;
  unsigned status, substatus;
  uint32_t win32;
  uint32_t sc_bytes, cs_bytes, time_taken;
} row;

typedef struct counts {
  uint64_t lines, headers, records;
  uint64_t decisive;  /* proppatch-drafts-401-5 */
  uint64_t large;     /* large-proppatch-refused */
  uint64_t anonymous; /* anonymous-challenge (benign) */
  uint64_t episodes, attempts, near_get, near_folder, near_small, near_small_at_limit;
} counts;

/* A Duet control message being retried. */
typedef struct retry {
  uint64_t due_ms;
  uint32_t cs_bytes;
  unsigned left;
  char hex[33];
} retry;

#define MAX_RETRIES 32

typedef struct gen {
  rng r;
  clock_state clk;
  int iis85;
  user users[NUSERS];
  counts n;
  retry retries[MAX_RETRIES];
  size_t nretries;
  uint64_t lines_to_header;
} gen;

/* ---- the rule's predicates, evaluated on every row ----------------------- */

static int lower(int c) { return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c; }

/* Case-insensitive glob with '*' and '?'; '/' is an ordinary character. */
static int glob_ci(const char *pat, const char *s, size_t n) {
  size_t i = 0;
  const char *star = NULL;
  size_t star_i = 0;
  while (i < n) {
    if (*pat == '*') {
      star = ++pat;
      star_i = i;
    } else if (*pat && (*pat == '?' || lower(*pat) == lower(s[i]))) {
      pat++;
      i++;
    } else if (star) {
      pat = star;
      i = ++star_i;
    } else {
      return 0;
    }
  }
  while (*pat == '*')
    pat++;
  return *pat == '\0';
}

static void classify(counts *n, const row *w) {
  if (w->status != 401) return;
  if (w->substatus == 2 && w->win32 == NO_CREDENTIALS) {
    n->anonymous++; /* benign rules run first and take the record */
    return;
  }
  if (w->substatus != 5 || strcmp(w->method, "PROPPATCH") != 0) return;
  if (strcmp(w->user, "-") != 0 && glob_ci("/Exchange/*/Drafts/*.EML", w->stem, w->stem_len))
    n->decisive++;
  if (w->cs_bytes > 25000) n->large++;
}

/* ---- writing ------------------------------------------------------------- */

static void emit(gen *g, const row *w) {
  char *p = line_begin();
  p = put(p, stamp(&g->clk), 19);
  p = put_z(p, " " SITE " " SERVER_IP " ");
  p = put_z(p, w->method);
  *p++ = ' ';
  p = put(p, w->stem, w->stem_len);
  *p++ = ' ';
  p = put_z(p, w->query);
  *p++ = ' ';
  p = put_u64(p, w->port);
  *p++ = ' ';
  p = put_z(p, w->user);
  *p++ = ' ';
  p = put_z(p, w->cip);
  *p++ = ' ';
  p = put_z(p, w->ua);
  *p++ = ' ';
  p = put_u64(p, w->status);
  *p++ = ' ';
  p = put_u64(p, w->substatus);
  *p++ = ' ';
  p = put_u64(p, w->win32);
  *p++ = ' ';
  p = put_u64(p, w->sc_bytes);
  *p++ = ' ';
  p = put_u64(p, w->cs_bytes);
  *p++ = ' ';
  p = put_u64(p, w->time_taken);
  *p++ = '\n';
  line_end(p);
  g->n.lines++;
  g->n.records++;
  classify(&g->n, w);
}

static void emit_header(gen *g) {
  char *p = line_begin();
  p = put_z(p, g->iis85 ? "#Software: Microsoft Internet Information Services 8.5\n"
                        : "#Software: Microsoft Internet Information Services 6.0\n");
  p = put_z(p, "#Version: 1.0\n#Date: ");
  p = put(p, stamp(&g->clk), 19);
  p = put_z(p, "\n#Fields: date time s-sitename s-ip cs-method cs-uri-stem cs-uri-query s-port "
               "cs-username c-ip cs(User-Agent) sc-status sc-substatus sc-win32-status sc-bytes "
               "cs-bytes time-taken\n");
  line_end(p);
  g->n.lines += 4;
  g->n.headers++;
  g->lines_to_header = between(&g->r, 45000, 55000);
}

static void advance(gen *g, uint32_t lo_ms, uint32_t hi_ms) {
  g->clk.ms += between(&g->r, lo_ms, hi_ms);
}

/* The anonymous first leg of an authenticated request, then the time the
 * client takes to answer the challenge. */
static void challenged(gen *g, row *w, uint32_t anon_cs_bytes) {
  row a = *w;
  a.user = "-";
  a.status = 401;
  a.substatus = 2;
  a.win32 = NO_CREDENTIALS;
  a.sc_bytes = 1539;
  a.cs_bytes = anon_cs_bytes;
  a.time_taken = 0;
  emit(g, &a);
  advance(g, 0, 1500);
}

static const user *some_user(gen *g) { return &g->users[below(&g->r, NUSERS)]; }

static row base_row(const char *method, const char *stem, unsigned port, const char *account,
                    const char *cip, const char *ua) {
  row w;
  w.method = method;
  w.stem = stem;
  w.stem_len = strlen(stem);
  w.query = "-";
  w.port = port;
  w.user = account;
  w.cip = cip;
  w.ua = ua;
  w.status = 200;
  w.substatus = 0;
  w.win32 = 0;
  w.sc_bytes = 0;
  w.cs_bytes = 0;
  w.time_taken = 0;
  return w;
}

/* ---- traffic ------------------------------------------------------------- */

/* An OWA page read: the anonymous challenge, then the authenticated GET. */
static void owa_page(gen *g) {
  const user *u = some_user(g);
  char stem[96];
  const char *ua = g->iis85 ? IE11_UA : IE7_UA;
  row w = base_row("GET", "/", 443, u->account, u->ip, ua);
  static const char *const FOLDERS[] = {"Inbox", "Calendar", "Contacts", "Sent+Items"};
  unsigned k = below(&g->r, 6);
  if (g->iis85) {
    static const char *const PAGES[] = {"/owa/", "/owa/service.svc", "/ecp/", "/EWS/Exchange.asmx"};
    w.stem = PAGES[k % 4];
    if (k % 4 == 1) w.query = "action=GetFolderChangeDigest&EP=1&ID=-37&AC=1";
    if (k % 4 == 3) {
      w.method = "POST";
      w.ua = OUTLOOK_UA;
    }
  } else if (k < 2) {
    w.stem = k ? "/exchange/" : "/exchweb/bin/auth/owalogon.asp";
  } else {
    snprintf(stem, sizeof stem, "/exchange/%s/%s/", u->name, FOLDERS[k - 2]);
    w.stem = stem;
  }
  w.stem_len = strlen(w.stem);
  challenged(g, &w, 412);
  w.sc_bytes = between(&g->r, 2000, 40000);
  w.cs_bytes = between(&g->r, 550, 900);
  w.time_taken = between(&g->r, 15, 400);
  emit(g, &w);
}

/* Images and scripts of the OWA pages, from the browser's cache or not. */
static void owa_static(gen *g) {
  const user *u = some_user(g);
  static const char *const IIS6[] = {"/exchweb/img/logon.gif", "/exchweb/controls/lview.js",
                                     "/exchweb/img/icon-msg-unread.gif",
                                     "/exchweb/6.5.7638.1/controls/ctrls.css"};
  static const char *const IIS85[] = {
      "/owa/prem/15.0.1044.25/scripts/boot.0.mouse.js",
      "/owa/prem/15.0.1044.25/resources/styles/fabric.color.css",
      "/owa/auth/15.0.1044.25/themes/resources/favicon.ico",
      "/owa/prem/15.0.1044.25/resources/images/0/sprite1.mouse.png"};
  unsigned k = below(&g->r, 4);
  row w = base_row("GET", g->iis85 ? IIS85[k] : IIS6[k], 443, u->account, u->ip,
                   g->iis85 ? IE11_UA : IE7_UA);
  if (below(&g->r, 3) == 0) {
    w.status = 304;
    w.sc_bytes = 215;
  } else {
    w.sc_bytes = between(&g->r, 400, 60000);
  }
  w.cs_bytes = between(&g->r, 500, 800);
  w.time_taken = between(&g->r, 0, 31);
  emit(g, &w);
}

static void activesync(gen *g) {
  const user *u = some_user(g);
  char query[160];
  int ping = below(&g->r, 3) == 0;
  snprintf(query, sizeof query, "User=%s&DeviceId=%s&DeviceType=%s&Cmd=%s", u->name, u->device,
           g->iis85 ? "iPhone" : "PocketPC", ping ? "Ping" : "Sync");
  row w = base_row("POST", "/Microsoft-Server-ActiveSync", 443, u->account, u->phone_ip,
                   g->iis85 ? "Apple-iPhone7C2/1202.466" : EAS_UA);
  if (g->iis85) {
    w.stem = "/Microsoft-Server-ActiveSync/default.eas";
    w.stem_len = strlen(w.stem);
  }
  w.query = query;
  w.sc_bytes = ping ? 13 : between(&g->r, 200, 9000);
  w.cs_bytes = between(&g->r, 300, 1200);
  w.time_taken = ping ? between(&g->r, 470000, 540000) : between(&g->r, 40, 1200);
  emit(g, &w);
}

static void rpc_pair(gen *g) {
  const user *u = some_user(g);
  row w = base_row("RPC_IN_DATA", "/rpc/rpcproxy.dll", 443, u->account, u->ip, MSRPC_UA);
  w.query = g->iis85 ? "1a6e3c47-0f4e-4cbc-a8b1-93d8c9e2f0b1@contoso.com:6001"
                     : "exch01.de.contoso.com:6001";
  w.sc_bytes = 186;
  w.cs_bytes = 1073741824u;
  w.time_taken = between(&g->r, 60000, 900000);
  emit(g, &w);
  w.method = "RPC_OUT_DATA";
  w.sc_bytes = between(&g->r, 50000, 5000000);
  w.cs_bytes = 186;
  emit(g, &w);
}

/* A mistyped password (401.1, ERROR_LOGON_FAILURE), then the right one. */
static void wrong_password(gen *g) {
  const user *u = some_user(g);
  row w = base_row("GET", g->iis85 ? "/EWS/Exchange.asmx" : "/exchange/", 443, u->account, u->ip,
                   g->iis85 ? OUTLOOK_UA : IE7_UA);
  w.status = 401;
  w.substatus = 1;
  w.win32 = 1326;
  w.sc_bytes = 1656;
  w.cs_bytes = 508;
  w.time_taken = 15;
  emit(g, &w);
  advance(g, 500, 4000);
  w.status = 200;
  w.substatus = 0;
  w.win32 = 0;
  w.sc_bytes = between(&g->r, 2000, 9000);
  w.cs_bytes = 612;
  w.time_taken = 46;
  emit(g, &w);
}

static void not_found(gen *g) {
  const user *u = some_user(g);
  int autod = below(&g->r, 2);
  row w = base_row("GET", autod ? "/autodiscover/autodiscover.xml" : "/favicon.ico", 443, "-",
                   u->ip, g->iis85 ? IE11_UA : IE7_UA);
  if (autod) w.ua = g->iis85 ? OUTLOOK_UA : OUTLOOK07_UA;
  w.status = 404;
  w.win32 = autod ? 3 : 2;
  w.sc_bytes = 1814;
  w.cs_bytes = between(&g->r, 300, 500);
  w.time_taken = between(&g->r, 0, 15);
  emit(g, &w);
}

static void put_hex(rng *r, char *hex) {
  static const char DIGITS[] = "0123456789abcdef";
  uint64_t a = rng_next(r), b = rng_next(r);
  for (int i = 0; i < 16; i++) {
    hex[i] = DIGITS[(a >> (4 * i)) & 15];
    hex[16 + i] = DIGITS[(b >> (4 * i)) & 15];
  }
  hex[32] = '\0';
}

/* /Exchange/DuetRH/<folder>/<hex><ext> into stem. */
static size_t duet_stem(char *stem, const char *folder, const char *hex, const char *ext) {
  char *p = stem;
  p = put_z(p, "/Exchange/DuetRH/");
  p = put_z(p, folder);
  if (hex) {
    *p++ = '/';
    p = put_z(p, hex);
    p = put_z(p, ext);
  }
  *p = '\0';
  return (size_t)(p - stem);
}

/* A Duet PROPPATCH: the anonymous leg, then the authenticated request
 * answered with status.substatus. */
static void duet_proppatch(gen *g, const char *stem, size_t stem_len, uint32_t cs_bytes,
                           unsigned status, unsigned substatus) {
  row w = base_row("PROPPATCH", stem, 80, DUET_USER, DUET_IP, DUET_UA);
  w.stem_len = stem_len;
  challenged(g, &w, substatus == 5 ? cs_bytes : 3120);
  w.status = status;
  w.substatus = substatus;
  w.sc_bytes = status == 207 ? 512 : 1656;
  w.cs_bytes = cs_bytes;
  w.time_taken = status == 207 ? between(&g->r, 31, 140) : 15;
  emit(g, &w);
}

static void duet_ok(gen *g) {
  char hex[33], stem[96];
  put_hex(&g->r, hex);
  size_t n = duet_stem(stem, "Drafts", hex, ".EML");
  duet_proppatch(g, stem, n, between(&g->r, 1500, 24000), 207, 0);
}

static void duet_attempt(gen *g, const char *hex, uint32_t cs_bytes) {
  char stem[96];
  size_t n = duet_stem(stem, "Drafts", hex, ".EML");
  duet_proppatch(g, stem, n, cs_bytes, 401, 5);
  g->n.attempts++;
}

/* A control message over 25 KB: refused now and on each retry 30 s apart. */
static void duet_failure(gen *g) {
  retry t;
  put_hex(&g->r, t.hex);
  t.cs_bytes = between(&g->r, 25001, 160000);
  t.left = between(&g->r, 0, 3);
  g->n.episodes++;
  duet_attempt(g, t.hex, t.cs_bytes);
  if (t.left && g->nretries < MAX_RETRIES) {
    t.due_ms = g->clk.ms + between(&g->r, 28000, 32000);
    g->retries[g->nretries++] = t;
  }
}

/* Runs the first retry that is due, if any; returns whether it did. */
static int due_retry(gen *g) {
  for (size_t i = 0; i < g->nretries; i++) {
    retry *t = &g->retries[i];
    if (t->due_ms > g->clk.ms) continue;
    duet_attempt(g, t->hex, t->cs_bytes);
    if (--t->left) {
      t->due_ms = g->clk.ms + between(&g->r, 28000, 32000);
    } else {
      *t = g->retries[--g->nretries];
    }
    return 1;
  }
  return 0;
}

/* Near miss: 401.5 on an OWA page read (not a PROPPATCH). */
static void near_get(gen *g) {
  const user *u = some_user(g);
  row w = base_row("GET", below(&g->r, 2) ? "/owa/" : "/exchweb/bin/auth/owalogon.asp", 443,
                   u->account, u->ip, g->iis85 ? IE11_UA : IE7_UA);
  challenged(g, &w, 412);
  w.status = 401;
  w.substatus = 5;
  w.sc_bytes = 1656;
  w.cs_bytes = between(&g->r, 500, 40000);
  w.time_taken = 15;
  emit(g, &w);
  g->n.near_get++;
}

/* Near miss: PROPPATCH 401.5 that is not on a Drafts .EML item. Its size
 * is drawn on both sides of 25,000, so some of these count as large. */
static void near_folder(gen *g) {
  char hex[33], stem[96];
  size_t n;
  put_hex(&g->r, hex);
  switch (below(&g->r, 4)) {
  case 0: n = duet_stem(stem, "Outbox", hex, ".EML"); break;
  case 1: n = duet_stem(stem, "Inbox", hex, ".EML"); break;
  case 2: n = duet_stem(stem, "Drafts", hex, ".xml"); break;
  default: n = duet_stem(stem, "Drafts", NULL, NULL); break;
  }
  duet_proppatch(g, stem, n, between(&g->r, 2000, 80000), 401, 5);
  g->n.near_folder++;
}

/* Near miss for the size symptom: a Drafts PROPPATCH refused with 401.5
 * but no larger than 25,000 bytes (sometimes exactly 25,000). */
static void near_small(gen *g) {
  char hex[33], stem[96];
  put_hex(&g->r, hex);
  size_t n = duet_stem(stem, "Drafts", hex, ".EML");
  uint32_t bytes = below(&g->r, 8) ? between(&g->r, 1500, 24999) : 25000;
  duet_proppatch(g, stem, n, bytes, 401, 5);
  g->n.near_small++;
  g->n.near_small_at_limit += bytes == 25000;
}

/* One step of traffic. */
static void step(gen *g) {
  unsigned h = hour_of(&g->clk);
  int busy = h >= 7 && h < 19;
  advance(g, 0, busy ? 300 : 1400);
  if (g->lines_to_header == 0) emit_header(g);
  uint64_t before = g->n.lines;
  if (!due_retry(g)) {
    uint32_t k = below(&g->r, 100000);
    if (k < 25) {
      duet_failure(g);
    } else if (k < 35) {
      near_get(g);
    } else if (k < 45) {
      near_folder(g);
    } else if (k < 55) {
      near_small(g);
    } else if (k < 35000) {
      owa_page(g);
    } else if (k < 55000) {
      owa_static(g);
    } else if (k < 78000) {
      activesync(g);
    } else if (k < 86000) {
      rpc_pair(g);
    } else if (k < 88000) {
      wrong_password(g);
    } else if (k < 92000) {
      not_found(g);
    } else {
      duet_ok(g);
    }
  }
  uint64_t written = g->n.lines - before;
  g->lines_to_header = written >= g->lines_to_header ? 0 : g->lines_to_header - written;
}

/* ---- main ---------------------------------------------------------------- */

static int parse_size(const char *s, uint64_t *out) {
  char *end;
  errno = 0;
  unsigned long long v = strtoull(s, &end, 10);
  if (errno || end == s || s[0] == '-') return 0;
  unsigned shift = 0;
  if (*end == 'K' || *end == 'k')
    shift = 10, end++;
  else if (*end == 'M' || *end == 'm')
    shift = 20, end++;
  else if (*end == 'G' || *end == 'g')
    shift = 30, end++;
  if (*end || v > (UINT64_MAX >> shift)) return 0;
  *out = (uint64_t)v << shift;
  return 1;
}

static void init_users(gen *g) {
  for (size_t i = 0; i < NUSERS; i++) {
    user *u = &g->users[i];
    u->name = NAMES[i];
    snprintf(u->account, sizeof u->account, "DE\\%s", NAMES[i]);
    snprintf(u->ip, sizeof u->ip, "10.16.%u.%u", (unsigned)(i / 8), 20u + (unsigned)i * 7 % 200);
    snprintf(u->device, sizeof u->device, "%s%04u", g->iis85 ? "ApplF" : "PPC",
             between(&g->r, 1000, 9999));
    snprintf(u->phone_ip, sizeof u->phone_ip, "10.20.%u.%u", (unsigned)(i / 16),
             between(&g->r, 2, 250));
  }
}

int main(int argc, char **argv) {
  uint64_t size, seed;
  if (argc < 3 || argc > 4 || !parse_size(argv[1], &size) || !parse_size(argv[2], &seed) ||
      (argc == 4 && strcmp(argv[3], "6") != 0 && strcmp(argv[3], "8.5") != 0)) {
    fputs("Usage: gen_iis SIZE_BYTES SEED [6|8.5] > file\n"
          "Writes a deterministic Exchange-server IIS W3C log of at least SIZE_BYTES\n"
          "(K, M, G suffixes allowed) and prints the expected match counts to stderr.\n",
          stderr);
    return 2;
  }
  static gen g; /* large-ish, zeroed */
  uint64_t x = seed;
  g.r.s = splitmix64(&x);
  if (!g.r.s) g.r.s = 1;
  g.iis85 = argc == 4 && strcmp(argv[3], "8.5") == 0;
  g.clk.day0 = g.iis85 ? days_from_civil(2015, 3, 10) : days_from_civil(2009, 1, 15);
  g.clk.cached_s = UINT64_MAX;
  init_users(&g);

  while (out_total + out_len < size)
    step(&g);
  flush_out();
  if (fflush(stdout) != 0) {
    fprintf(stderr, "gen_iis: write error: %s\n", strerror(errno));
    return 1;
  }

  const counts *n = &g.n;
  fprintf(stderr,
          "seed=%llu\niis=%s\nbytes=%llu\nlines=%llu\nheaders=%llu\nrecords=%llu\n"
          "proppatch-drafts-401-5=%llu\nlarge-proppatch-refused=%llu\n"
          "anonymous-challenge=%llu\nfailure-episodes=%llu\nfailure-attempts=%llu\n"
          "near-miss-get-401-5=%llu\nnear-miss-not-drafts-eml=%llu\n"
          "near-miss-small-proppatch=%llu\nnear-miss-small-at-25000=%llu\n",
          (unsigned long long)seed, g.iis85 ? "8.5" : "6.0", (unsigned long long)out_total,
          (unsigned long long)n->lines, (unsigned long long)n->headers,
          (unsigned long long)n->records, (unsigned long long)n->decisive,
          (unsigned long long)n->large, (unsigned long long)n->anonymous,
          (unsigned long long)n->episodes, (unsigned long long)n->attempts,
          (unsigned long long)n->near_get, (unsigned long long)n->near_folder,
          (unsigned long long)n->near_small, (unsigned long long)n->near_small_at_limit);
  return 0;
}
