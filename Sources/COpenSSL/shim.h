#ifndef DNSGUARD_COPENSSL_SHIM_H
#define DNSGUARD_COPENSSL_SHIM_H
// One-line wrappers for OpenSSL 3 function-like macros that Swift cannot import.
#include <openssl/ssl.h>
#include <openssl/err.h>
#include <openssl/bio.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <openssl/pem.h>
#include <openssl/evp.h>

static inline int dg_SSL_CTX_set_min_proto_version(SSL_CTX *c, int v) { return (int)SSL_CTX_set_min_proto_version(c, v); }
static inline int dg_SSL_CTX_set_max_proto_version(SSL_CTX *c, int v) { return (int)SSL_CTX_set_max_proto_version(c, v); }

#endif
