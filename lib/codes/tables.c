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

/* NTSTATUS values as Process Monitor prints them in its Result column
 * (DOMAIN 4 and its source [PP] `_ErrorCodeMessages`, of which DOMAIN lists
 * a subset). [PP]'s slips are not copied: its 0xC0000023 "ALREADY COMMITED"
 * is BUFFER TOO SMALL (DOMAIN), and its second entries for BAD NETWORK
 * PATH/NAME and OFFLOAD READ FILE NOT SUPPORTED are left out so each string
 * has one value. No STATUS_ names are documented, so the symbol is the
 * Procmon string. SUCCESS first: most Process Monitor rows are successes. */
const diag__code_entry diag__ntstatus_codes[] = {
    {0x00000000u, "SUCCESS", "SUCCESS"},
    {0x00000104u, "REPARSE", "REPARSE"},
    {0x00000105u, "MORE ENTRIES", "MORE ENTRIES"},
    {0x00000108u, "OPLOCK BREAK IN PROGRESS", "OPLOCK BREAK IN PROGRESS"},
    {0x0000010Bu, "NOTIFY CLEANUP", "NOTIFY CLEANUP"},
    {0x0000010Cu, "NOTIFY ENUM DIR", "NOTIFY ENUM DIR"},
    {0x0000012Au, "FILE LOCKED WITH ONLY READERS", "FILE LOCKED WITH ONLY READERS"},
    {0x0000012Bu, "FILE LOCKED WITH WRITERS", "FILE LOCKED WITH WRITERS"},
    {0x00000215u, "OPLOCK SWITCHED TO NEW HANDLE", "OPLOCK SWITCHED TO NEW HANDLE"},
    {0x00000216u, "OPLOCK HANDLE CLOSED", "OPLOCK HANDLE CLOSED"},
    {0x00000367u, "WAIT FOR OPLOCK", "WAIT FOR OPLOCK"},
    {0x40000016u, "PREDEFINED HANDLE", "PREDEFINED HANDLE"},
    {0x80000002u, "DATATYPE MISALIGNMENT", "DATATYPE MISALIGNMENT"},
    {0x80000005u, "BUFFER OVERFLOW", "BUFFER OVERFLOW"},
    {0x80000006u, "NO MORE FILES", "NO MORE FILES"},
    {0x80000015u, "INVALID EA FLAG", "INVALID EA FLAG"},
    {0x8000001Au, "NO MORE ENTRIES", "NO MORE ENTRIES"},
    {0xC0000001u, "UNSUCCESSFUL", "UNSUCCESSFUL"},
    {0xC0000002u, "NOT IMPLEMENTED", "NOT IMPLEMENTED"},
    {0xC0000003u, "INVALID INFO CLASS", "INVALID INFO CLASS"},
    {0xC0000004u, "INFO LENGTH MISMATCH", "INFO LENGTH MISMATCH"},
    {0xC0000005u, "ACCESS VIOLATION", "ACCESS VIOLATION"},
    {0xC0000006u, "IN PAGE ERROR", "IN PAGE ERROR"},
    {0xC0000008u, "INVALID HANDLE", "INVALID HANDLE"},
    {0xC000000Du, "INVALID PARAMETER", "INVALID PARAMETER"},
    {0xC000000Eu, "NO SUCH DEVICE", "NO SUCH DEVICE"},
    {0xC000000Fu, "NO SUCH FILE", "NO SUCH FILE"},
    {0xC0000010u, "INVALID DEVICE REQUEST", "INVALID DEVICE REQUEST"},
    {0xC0000011u, "END OF FILE", "END OF FILE"},
    {0xC0000012u, "WRONG VOLUME", "WRONG VOLUME"},
    {0xC0000013u, "NO MEDIA", "NO MEDIA"},
    {0xC0000015u, "NONEXISTENT SECTOR", "NONEXISTENT SECTOR"},
    {0xC0000017u, "NO MEMORY", "NO MEMORY"},
    {0xC0000021u, "ALREADY COMMITED", "ALREADY COMMITED"},
    {0xC0000022u, "ACCESS DENIED", "ACCESS DENIED"},
    {0xC0000023u, "BUFFER TOO SMALL", "BUFFER TOO SMALL"},
    {0xC0000032u, "DISK CORRUPT", "DISK CORRUPT"},
    {0xC0000033u, "NAME INVALID", "NAME INVALID"},
    {0xC0000034u, "NAME NOT FOUND", "NAME NOT FOUND"},
    {0xC0000035u, "NAME COLLISION", "NAME COLLISION"},
    {0xC0000039u, "OBJECT PATH INVALID", "OBJECT PATH INVALID"},
    {0xC000003Au, "PATH NOT FOUND", "PATH NOT FOUND"},
    {0xC000003Bu, "PATH SYNTAX BAD", "PATH SYNTAX BAD"},
    {0xC000003Cu, "DATA OVERRUN", "DATA OVERRUN"},
    {0xC000003Fu, "CRC ERROR", "CRC ERROR"},
    {0xC0000043u, "SHARING VIOLATION", "SHARING VIOLATION"},
    {0xC0000044u, "QUOTA EXCEEDED", "QUOTA EXCEEDED"},
    {0xC000004Fu, "EAS NOT SUPPORTED", "EAS NOT SUPPORTED"},
    {0xC0000050u, "EA TOO LARGE", "EA TOO LARGE"},
    {0xC0000051u, "NONEXISTENT EA ENTRY", "NONEXISTENT EA ENTRY"},
    {0xC0000052u, "NO EAS ON FILE", "NO EAS ON FILE"},
    {0xC0000053u, "EA CORRUPTED ERROR", "EA CORRUPTED ERROR"},
    {0xC0000054u, "FILE LOCK CONFLICT", "FILE LOCK CONFLICT"},
    {0xC0000055u, "NOT GRANTED", "NOT GRANTED"},
    {0xC0000056u, "DELETE PENDING", "DELETE PENDING"},
    {0xC0000061u, "PRIVILEGE NOT HELD", "PRIVILEGE NOT HELD"},
    {0xC000006Du, "LOGON FAILURE", "LOGON FAILURE"},
    {0xC000007Eu, "RANGE NOT LOCKED", "RANGE NOT LOCKED"},
    {0xC000007Fu, "DISK FULL", "DISK FULL"},
    {0xC0000098u, "FILE INVALID", "FILE INVALID"},
    {0xC000009Au, "INSUFFICIENT RESOURCES", "INSUFFICIENT RESOURCES"},
    {0xC000009Cu, "DEVICE DATA ERROR", "DEVICE DATA ERROR"},
    {0xC000009Du, "DEVICE NOT CONNECTED", "DEVICE NOT CONNECTED"},
    {0xC00000A2u, "MEDIA WRITE PROTECTED", "MEDIA WRITE PROTECTED"},
    {0xC00000A5u, "BAD IMPERSONATION", "BAD IMPERSONATION"},
    {0xC00000ABu, "INSTANCE NOT AVAILABLE", "INSTANCE NOT AVAILABLE"},
    {0xC00000ACu, "PIPE NOT AVAILABLE", "PIPE NOT AVAILABLE"},
    {0xC00000ADu, "INVALID PIPE STATE", "INVALID PIPE STATE"},
    {0xC00000AEu, "PIPE BUSY", "PIPE BUSY"},
    {0xC00000B0u, "PIPE DISCONNECTED", "PIPE DISCONNECTED"},
    {0xC00000B1u, "PIPE CLOSING", "PIPE CLOSING"},
    {0xC00000B2u, "PIPE CONNECTED", "PIPE CONNECTED"},
    {0xC00000B3u, "PIPE LISTENING", "PIPE LISTENING"},
    {0xC00000B4u, "INVALID READ MODE", "INVALID READ MODE"},
    {0xC00000B5u, "IO TIMEOUT", "IO TIMEOUT"},
    {0xC00000BAu, "IS DIRECTORY", "IS DIRECTORY"},
    {0xC00000BBu, "NOT SUPPORTED", "NOT SUPPORTED"},
    {0xC00000BDu, "DUPLICATE NAME", "DUPLICATE NAME"},
    {0xC00000BEu, "BAD NETWORK PATH", "BAD NETWORK PATH"},
    {0xC00000C3u, "INVALID NETWORK RESPONSE", "INVALID NETWORK RESPONSE"},
    {0xC00000C4u, "NETWORK ERROR", "NETWORK ERROR"},
    {0xC00000CCu, "BAD NETWORK NAME", "BAD NETWORK NAME"},
    {0xC00000D8u, "CANT WAIT", "CANT WAIT"},
    {0xC00000D9u, "PIPE EMPTY", "PIPE EMPTY"},
    {0xC00000DBu, "CSC OBJECT PATH NOT FOUND", "CSC OBJECT PATH NOT FOUND"},
    {0xC00000E2u, "OPLOCK NOT GRANTED", "OPLOCK NOT GRANTED"},
    {0xC00000EFu, "INVALID PARAMETER 1", "INVALID PARAMETER 1"},
    {0xC00000F0u, "INVALID PARAMETER 2", "INVALID PARAMETER 2"},
    {0xC00000F1u, "INVALID PARAMETER 3", "INVALID PARAMETER 3"},
    {0xC00000F2u, "INVALID PARAMETER 4", "INVALID PARAMETER 4"},
    {0xC00000FBu, "REDIRECTOR NOT STARTED", "REDIRECTOR NOT STARTED"},
    {0xC0000101u, "NOT EMPTY", "NOT EMPTY"},
    {0xC0000102u, "FILE CORRUPT", "FILE CORRUPT"},
    {0xC0000103u, "NOT A DIRECTORY", "NOT A DIRECTORY"},
    {0xC0000107u, "FILES OPEN", "FILES OPEN"},
    {0xC000010Du, "CANNOT IMPERSONATE", "CANNOT IMPERSONATE"},
    {0xC0000120u, "CANCELLED", "CANCELLED"},
    {0xC0000121u, "CANNOT DELETE", "CANNOT DELETE"},
    {0xC0000123u, "FILE DELETED", "FILE DELETED"},
    {0xC0000128u, "FILE CLOSED", "FILE CLOSED"},
    {0xC000012Au, "THREAD NOT IN PROCESS", "THREAD NOT IN PROCESS"},
    {0xC0000148u, "INVALID LEVEL", "INVALID LEVEL"},
    {0xC000014Bu, "PIPE BROKEN", "PIPE BROKEN"},
    {0xC000014Cu, "REGISTRY CORRUPT", "REGISTRY CORRUPT"},
    {0xC000014Du, "IO FAILED", "IO FAILED"},
    {0xC000017Cu, "KEY DELETED", "KEY DELETED"},
    {0xC0000181u, "CHILD MUST BE VOLATILE", "CHILD MUST BE VOLATILE"},
    {0xC0000184u, "INVALID DEVICE STATE", "INVALID DEVICE STATE"},
    {0xC0000185u, "IO DEVICE ERROR", "IO DEVICE ERROR"},
    {0xC0000188u, "LOG FILE FULL", "LOG FILE FULL"},
    {0xC000019Cu, "FS DRIVER REQUIRED", "FS DRIVER REQUIRED"},
    {0xC0000205u, "INSUFFICIENT SERVER RESOURCES", "INSUFFICIENT SERVER RESOURCES"},
    {0xC0000207u, "INVALID ADDRESS COMPONENT", "INVALID ADDRESS COMPONENT"},
    {0xC000020Cu, "DISCONNECTED", "DISCONNECTED"},
    {0xC0000225u, "NOT FOUND", "NOT FOUND"},
    {0xC0000243u, "USER MAPPED FILE", "USER MAPPED FILE"},
    {0xC0000248u, "LOGIN WKSTA RESTRICTION", "LOGIN WKSTA RESTRICTION"},
    {0xC0000257u, "PATH NOT COVERED", "PATH NOT COVERED"},
    {0xC000026Du, "DFS UNAVAILABLE", "DFS UNAVAILABLE"},
    {0xC0000273u, "NO MORE MATCHES", "NO MORE MATCHES"},
    {0xC0000275u, "NOT REPARSE POINT", "NOT REPARSE POINT"},
    {0xC00002EAu, "CANNOT MAKE", "CANNOT MAKE"},
    {0xC00002F0u, "OBJECTID NOT FOUND", "OBJECTID NOT FOUND"},
    {0xC0000388u, "DOWNGRADE DETECTED", "DOWNGRADE DETECTED"},
    {0xC0000425u, "HIVE UNLOADED", "HIVE UNLOADED"},
    {0xC0000427u, "FILE SYSTEM LIMITATION", "FILE SYSTEM LIMITATION"},
    {0xC0000463u, "DEVICE FEATURE NOT SUPPORTED", "DEVICE FEATURE NOT SUPPORTED"},
    {0xC000046Du, "OBJECT NOT EXTERNALLY BACKED", "OBJECT NOT EXTERNALLY BACKED"},
    {0xC0000909u, "CANNOT BREAK OPLOCK", "CANNOT BREAK OPLOCK"},
    {0xC000A2A3u, "OFFLOAD READ FILE NOT SUPPORTED", "OFFLOAD READ FILE NOT SUPPORTED"},
    {0xC0190001u, "TRANSACTIONAL CONFLICT", "TRANSACTIONAL CONFLICT"},
    {0xC0190002u, "INVALID TRANSACTION", "INVALID TRANSACTION"},
    {0xC0190003u, "TRANSACTION NOT ACTIVE", "TRANSACTION NOT ACTIVE"},
    {0xC019003Eu, "EFS NOT ALLOWED IN TRANSACTION", "EFS NOT ALLOWED IN TRANSACTION"},
    {0xC019003Fu, "TRANSACTIONAL OPEN NOT ALLOWED", "TRANSACTIONAL OPEN NOT ALLOWED"},
    {0xC0190040u, "TRANSACTED MAPPING UNSUPPORTED REMOTE", "TRANSACTED MAPPING UNSUPPORTED REMOTE"},
    {0xC0190044u, "CANNOT EXECUTE FILE IN TRANSACTION", "CANNOT EXECUTE FILE IN TRANSACTION"},
    {0xC0190049u, "SPARSE NOT ALLOWED IN TRANSACTION", "SPARSE NOT ALLOWED IN TRANSACTION"},
    {0xC01C0004u, "FAST IO DISALLOWED", "FAST IO DISALLOWED"},
};
const size_t diag__ntstatus_count = sizeof diag__ntstatus_codes / sizeof diag__ntstatus_codes[0];

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
    TABLE("ntstatus", DIAG__CODE_NUMERIC, diag__ntstatus_codes),
    TABLE("iis", DIAG__CODE_IIS, iis_codes),
};
#undef TABLE

const size_t diag__code_table_count = sizeof(diag__code_tables) / sizeof(diag__code_tables[0]);

/* '_' and ' ' are one character here, and case does not count. */
static unsigned char status_fold(unsigned char c) { return c == '_' ? ' ' : diag__lower(c); }

const diag__code_entry *diag__ntstatus_find(const char *name, size_t len) {
  for (size_t i = 0; i < diag__ntstatus_count; i++) {
    const char *sym = diag__ntstatus_codes[i].symbol;
    size_t k = 0;
    while (k < len && sym[k] &&
           status_fold((unsigned char)name[k]) == status_fold((unsigned char)sym[k]))
      k++;
    if (k == len && sym[k] == '\0') return &diag__ntstatus_codes[i];
  }
  return NULL;
}

void diag__code_hex(uint32_t value, char out[DIAG__CODE_HEX_LEN]) {
  static const char hex[] = "0123456789ABCDEF";
  out[0] = '0';
  out[1] = 'x';
  for (int k = 0; k < 8; k++)
    out[2 + k] = hex[(value >> (28 - 4 * k)) & 0xF];
}

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
