/* Network endpoints written as `address:port`: ISA Server's `source` and
 * `destination` columns and netstat's local and foreign addresses. Both
 * parsers derive an address field and a port field from one written value,
 * so a KB rule can match either; this is the one place that splits them. */
#ifndef DIAG_PARSERS_ENDPOINT_H
#define DIAG_PARSERS_ENDPOINT_H

#include "record_internal.h"

/* Splits p[0..n) into spans of p for its address and its port:
 *
 *   `192.0.2.1:135`       192.0.2.1       135
 *   `[::]:135`            ::              135   (brackets dropped)
 *   `[fe80::1%10]:1900`   fe80::1%10      1900  (diag__value_address reads
 *                                                the address and ignores
 *                                                the %zone)
 *   `192.0.2.1`           192.0.2.1       -     (no port: ISA's IGMP rows)
 *   `*:*`                 -               -     (netstat: no remote end)
 *
 * An unbracketed value is split at its last ':' when it has exactly one
 * (IPv4); with several it is a bare IPv6 address without a port, since
 * `fe80::1:80` could be read both ways.
 *
 * Returns 1 when the address is `*` or one diag__value_address reads and
 * the port is `*`, absent or decimal 0-65535; otherwise 0, with the spans
 * still set to what was written there (ISA keeps them, netstat rejects the
 * line). */
int diag__endpoint_split(const char *p, size_t n, diag__span *ip, diag__span *port);

#endif
