/* Error-code tables. Sources are the DOMAIN.md sections named on each table;
 * nothing here is taken from anywhere else.
 *
 * Where DOMAIN.md gives a symbol but no message (the generic HRESULTs and the
 * MAPI_E_ codes), the message restates the symbol in words and names the
 * documented alias; it adds no meaning of its own. */
#include "tables.h"

#include <string.h>

#include "core/text.h"

/* Generic HRESULTs: the E_ aliases DOMAIN 1.3 lists beside MAPI_E_ codes, plus
 * the WININET_E_TIMEOUT name the Windows Update doc uses (DOMAIN 1.4). */
static const diag__code_entry hresult_codes[] = {
    {0x80004005u, "E_FAIL", "Failure (same value as MAPI_E_CALL_FAILED)"},
    {0x80070005u, "E_ACCESSDENIED",
     "Access is denied: HRESULT of Win32 ERROR_ACCESS_DENIED (same value as MAPI_E_NO_ACCESS)"},
    {0x8007000Eu, "E_OUTOFMEMORY", "Out of memory (same value as MAPI_E_NOT_ENOUGH_MEMORY)"},
    {0x80070057u, "E_INVALIDARG", "Invalid argument (same value as MAPI_E_INVALID_PARAMETER)"},
    {0x80072EE2u, "WININET_E_TIMEOUT",
     "The request has timed out (Windows Update name for Win32 12002)"},
};

/* Win32 error codes: DOMAIN 1.5, ERROR_INVALID_OPERATION from 1.2 and the
 * WinHTTP/WinINet values from 1.4. 12002 has two documented names. */
static const diag__code_entry win32_codes[] = {
    {0, "ERROR_SUCCESS", "The operation completed successfully."},
    {2, "ERROR_FILE_NOT_FOUND", "The system cannot find the file specified."},
    {3, "ERROR_PATH_NOT_FOUND", "The system cannot find the path specified."},
    {5, "ERROR_ACCESS_DENIED", "Access is denied."},
    {64, "ERROR_NETNAME_DELETED", "The specified network name is no longer available."},
    {121, "ERROR_SEM_TIMEOUT", "The semaphore timeout period has expired."},
    {995, "ERROR_OPERATION_ABORTED",
     "The I/O operation has been aborted because of either a thread exit or an application "
     "request."},
    {1236, "ERROR_CONNECTION_ABORTED", "The network connection was aborted by the local system."},
    {1244, "ERROR_NOT_AUTHENTICATED",
     "The operation being requested was not performed because the user has not been "
     "authenticated."},
    {1326, "ERROR_LOGON_FAILURE", "The user name or password is incorrect."},
    {1460, "ERROR_TIMEOUT", "This operation returned because the timeout period expired."},
    {4317, "ERROR_INVALID_OPERATION", "The operation identifier is not valid."},
    {12002, "ERROR_WINHTTP_TIMEOUT", "The request has timed out."},
    {12002, "ERROR_INTERNET_TIMEOUT", "The request has timed out."},
    {12007, "ERROR_WINHTTP_NAME_NOT_RESOLVED", "The server name cannot be resolved."},
    {12029, "ERROR_WINHTTP_CANNOT_CONNECT", "The connection to the server failed."},
    {12030, "ERROR_WINHTTP_CONNECTION_ERROR",
     "The connection to the server was reset or terminated."},
    {12175, "ERROR_WINHTTP_SECURE_FAILURE", "SSL certificate error."},
};

/* SSPI (facility 9): DOMAIN 1.2. */
static const diag__code_entry sspi_codes[] = {
    {0x80090308u, "SEC_E_INVALID_TOKEN", "The token supplied to the function is invalid"},
    {0x8009030Cu, "SEC_E_LOGON_DENIED", "The logon attempt failed"},
    {0x8009030Eu, "SEC_E_NO_CREDENTIALS", "No credentials are available in the security package"},
};

/* MAPI_E_ codes: DOMAIN 1.3 (mapicode.h, MAKE_MAPI_E). */
static const diag__code_entry mapi_codes[] = {
    {0x80004005u, "MAPI_E_CALL_FAILED", "MAPI call failed (same value as E_FAIL)"},
    {0x80070005u, "MAPI_E_NO_ACCESS", "MAPI access denied (same value as E_ACCESSDENIED)"},
    {0x8007000Eu, "MAPI_E_NOT_ENOUGH_MEMORY",
     "MAPI not enough memory (same value as E_OUTOFMEMORY)"},
    {0x80070057u, "MAPI_E_INVALID_PARAMETER",
     "MAPI invalid parameter (same value as E_INVALIDARG)"},
    {0x80040102u, "MAPI_E_NO_SUPPORT", "MAPI: not supported"},
    {0x80040106u, "MAPI_E_UNKNOWN_FLAGS", "MAPI: unknown flags"},
    {0x80040107u, "MAPI_E_INVALID_ENTRYID", "MAPI: invalid entry ID"},
    {0x8004010Au, "MAPI_E_OBJECT_DELETED", "MAPI: object deleted"},
    {0x8004010Bu, "MAPI_E_BUSY", "MAPI: busy"},
    {0x8004010Fu, "MAPI_E_NOT_FOUND", "MAPI: not found"},
    {0x80040110u, "MAPI_E_VERSION", "MAPI: version"},
    {0x80040111u, "MAPI_E_LOGON_FAILED", "MAPI: logon failed"},
    {0x80040112u, "MAPI_E_SESSION_LIMIT", "MAPI: session limit"},
    {0x80040113u, "MAPI_E_USER_CANCEL", "MAPI: user cancel"},
    {0x80040115u, "MAPI_E_NETWORK_ERROR", "MAPI: network error"},
    {0x80040116u, "MAPI_E_DISK_ERROR", "MAPI: disk error"},
    {0x80040119u, "MAPI_E_EXTENDED_ERROR", "MAPI: extended error"},
    {0x8004011Bu, "MAPI_E_CORRUPT_DATA", "MAPI: corrupt data"},
    {0x8004011Cu, "MAPI_E_UNCONFIGURED", "MAPI: unconfigured"},
    {0x8004011Du, "MAPI_E_FAILONEPROVIDER", "MAPI: failure in one provider"},
    {0x80040121u, "MAPI_E_PASSWORD_EXPIRED", "MAPI: password expired"},
    {0x80040200u, "MAPI_E_END_OF_SESSION", "MAPI: end of session"},
    {0x80040401u, "MAPI_E_TIMEOUT", "MAPI: timeout"},
    {0x80040600u, "MAPI_E_CORRUPT_STORE", "MAPI: corrupt store"},
};

/* Windows Update client codes (facility 36): DOMAIN 1.4. The WIN32-facility
 * rows of that table are reached through the embedded Win32 code. */
static const diag__code_entry windows_update_codes[] = {
    {0x80244005u, "WU_E_PT_SOAPCLIENT_SEND", "SOAP client send error (SOAPCLIENT_SEND_ERROR)"},
    {0x80244007u, "WU_E_PT_SOAPCLIENT_SOAPFAULT",
     "SOAP fault; the Windows Update doc points to KB2883975 (cookie renewal)"},
    {0x80244011u, "WU_E_PT_SUS_SERVER_NOT_SET", "WUServer policy value missing"},
    {0x80244016u, "WU_E_PT_HTTP_STATUS_BAD_REQUEST", "HTTP 400"},
    {0x80244017u, "WU_E_PT_HTTP_STATUS_DENIED",
     "HTTP 401: the resource requires user authentication"},
    {0x80244018u, "WU_E_PT_HTTP_STATUS_FORBIDDEN", "HTTP 403"},
    {0x80244019u, "WU_E_PT_HTTP_STATUS_NOT_FOUND", "HTTP 404"},
    {0x8024401Bu, "WU_E_PT_HTTP_STATUS_PROXY_AUTH_REQ", "HTTP 407"},
    {0x8024401Cu, "WU_E_PT_HTTP_STATUS_REQUEST_TIMEOUT", "HTTP 408"},
    {0x8024401Fu, "WU_E_PT_HTTP_STATUS_SERVER_ERROR", "HTTP 500"},
    {0x80244021u, "WU_E_PT_HTTP_STATUS_BAD_GATEWAY", "HTTP 502"},
    {0x80244022u, "WU_E_PT_HTTP_STATUS_SERVICE_UNAVAIL", "HTTP 503"},
    {0x8024402Bu, "WU_E_PT_HTTP_STATUS_NOT_MAPPED",
     "An HTTP error that no other WU_E_PT_HTTP_* code covers"},
    {0x8024402Cu, "WU_E_PT_WINHTTP_NAME_NOT_RESOLVED",
     "The proxy or server name cannot be resolved"},
    {0x8024402Fu, "WU_E_PT_ECP_SUCCEEDED_WITH_ERRORS",
     "External cab processing completed with errors"},
};

/* NTSTATUS values as Process Monitor prints them in its Result column:
 * DOMAIN 4. DOMAIN gives no STATUS_ names, so the symbol is the Procmon
 * string. "FAST IO DISALLOWED" has no documented value and is left out. */
static const diag__code_entry ntstatus_codes[] = {
    {0x00000000u, "SUCCESS", "SUCCESS"},
    {0x00000104u, "REPARSE", "REPARSE"},
    {0x80000005u, "BUFFER OVERFLOW", "BUFFER OVERFLOW"},
    {0x80000006u, "NO MORE FILES", "NO MORE FILES"},
    {0xC000000Du, "INVALID PARAMETER", "INVALID PARAMETER"},
    {0xC0000022u, "ACCESS DENIED", "ACCESS DENIED"},
    {0xC0000023u, "BUFFER TOO SMALL", "BUFFER TOO SMALL"},
    {0xC0000034u, "NAME NOT FOUND", "NAME NOT FOUND"},
    {0xC0000035u, "NAME COLLISION", "NAME COLLISION"},
    {0xC000003Au, "PATH NOT FOUND", "PATH NOT FOUND"},
    {0xC0000043u, "SHARING VIOLATION", "SHARING VIOLATION"},
    {0xC0000061u, "PRIVILEGE NOT HELD", "PRIVILEGE NOT HELD"},
    {0xC000006Du, "LOGON FAILURE", "LOGON FAILURE"},
    {0xC00000BAu, "IS DIRECTORY", "IS DIRECTORY"},
};

/* IIS status.substatus: DOMAIN 2.1 (KB943891; 401.7 from KB318380).
 * Value = status * 1000 + substatus. */
#define IIS(status, sub, text)                                                                     \
  { (status) * 1000u + (sub), #status "." #sub, text }
static const diag__code_entry iis_codes[] = {
    IIS(401, 1, "Logon failed (bad credentials)"),
    IIS(401, 2, "Logon failed due to server configuration"),
    IIS(401, 3, "Unauthorized due to ACL on resource"),
    IIS(401, 4, "Authorization failed by filter"),
    IIS(401, 5, "Authorization failed by ISAPI/CGI application"),
    IIS(401, 7, "URL authorization policy (IIS 6 only)"),
    IIS(401, 501, "Dynamic IP Restriction / IP Restriction (IIS 8+)"),
    IIS(401, 502, "Dynamic IP Restriction / IP Restriction (IIS 8+)"),
    IIS(401, 503, "Dynamic IP Restriction / IP Restriction (IIS 8+)"),
    IIS(401, 504, "Dynamic IP Restriction / IP Restriction (IIS 8+)"),
    IIS(403, 1, "Execute forbidden"),
    IIS(403, 2, "Read forbidden"),
    IIS(403, 3, "Write forbidden"),
    IIS(403, 4, "SSL required (the request arrived over a non-secure channel)"),
    IIS(403, 5, "SSL 128 required"),
    IIS(403, 6, "IP rejected"),
    IIS(403, 7, "Client certificate required"),
    IIS(403, 8, "Site access denied"),
    IIS(403, 9, "Too many connections"),
    IIS(403, 10, "Execute denied"),
    IIS(403, 11, "Password changed"),
    IIS(403, 12, "Mapper denied access"),
    IIS(403, 13, "Client certificate revoked"),
    IIS(403, 14, "Directory listing denied"),
    IIS(403, 15, "CAL limit exceeded"),
    IIS(403, 16, "Client certificate untrusted or invalid"),
    IIS(403, 17, "Client certificate expired or not yet valid"),
    IIS(403, 18, "URL cannot run in this application pool"),
    IIS(403, 19, "Cannot run CGI in this application pool"),
    IIS(403, 20, "Passport logon failed"),
    IIS(403, 21, "WebDAV source access denied"),
    IIS(403, 22, "WebDAV infinite depth denied"),
    IIS(404, 0, "Not found"),
    IIS(404, 1, "Site not found"),
    IIS(404, 2, "ISAPI/CGI restriction (IIS 6: Web service extension lockdown)"),
    IIS(404, 3, "MIME type restriction"),
    IIS(404, 4, "No handler"),
    IIS(404, 5, "Request filtering"),
    IIS(404, 6, "Verb denied"),
    IIS(404, 13, "Content length too large"),
    IIS(500, 0, "Module or ISAPI error"),
    IIS(500, 11, "Application shutting down"),
    IIS(500, 12, "Application restarting"),
    IIS(500, 13, "Server too busy"),
    IIS(500, 15, "Direct request for Global.asa/asax"),
    IIS(500, 19, "Configuration data invalid"),
    IIS(500, 100, "Internal ASP error"),
};
#undef IIS

/* The table of tables, in reporting order. */
#define TABLE(name, kind, array)                                                                   \
  { name, kind, array, sizeof(array) / sizeof((array)[0]) }
const diag__code_table diag__code_tables[] = {
    TABLE("hresult", DIAG__CODE_NUMERIC, hresult_codes),
    TABLE("win32", DIAG__CODE_NUMERIC, win32_codes),
    TABLE("sspi", DIAG__CODE_NUMERIC, sspi_codes),
    TABLE("mapi", DIAG__CODE_NUMERIC, mapi_codes),
    TABLE("windows-update", DIAG__CODE_NUMERIC, windows_update_codes),
    TABLE("ntstatus", DIAG__CODE_NUMERIC, ntstatus_codes),
    TABLE("iis", DIAG__CODE_IIS, iis_codes),
};
#undef TABLE

const size_t diag__code_table_count = sizeof(diag__code_tables) / sizeof(diag__code_tables[0]);

const diag__code_table *diag__code_table_find(const char *name) {
  if (!name) return NULL;
  for (size_t t = 0; t < diag__code_table_count; t++) {
    const char *n = diag__code_tables[t].name;
    if (diag__ci_equal_z(n, strlen(n), name)) return &diag__code_tables[t];
  }
  return NULL;
}

const char *diag__code_name(const char *table, uint32_t value) {
  const diag__code_table *t = diag__code_table_find(table);
  if (!t) return NULL;
  for (size_t i = 0; i < t->count; i++)
    if (t->entries[i].value == value) return t->entries[i].symbol;
  return NULL;
}
