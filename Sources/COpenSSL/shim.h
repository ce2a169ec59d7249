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
#include <openssl/rand.h>
#include <openssl/bn.h>
#include <openssl/buffer.h>

static inline int dg_SSL_CTX_set_min_proto_version(SSL_CTX *c, int v) { return (int)SSL_CTX_set_min_proto_version(c, v); }
static inline int dg_SSL_CTX_set_max_proto_version(SSL_CTX *c, int v) { return (int)SSL_CTX_set_max_proto_version(c, v); }
static inline long dg_SSL_CTX_set_mode(SSL_CTX *c, long m) { return SSL_CTX_set_mode(c, m); }
static inline long dg_SSL_CTX_set_session_cache_mode(SSL_CTX *c, long m) { return SSL_CTX_set_session_cache_mode(c, m); }
static inline int dg_SSL_CTX_set1_groups_list(SSL_CTX *c, const char *l) { return (int)SSL_CTX_set1_groups_list(c, l); }
static inline int dg_SSL_CTX_add1_chain_cert(SSL_CTX *c, X509 *x) { return (int)SSL_CTX_add1_chain_cert(c, x); }
static inline long dg_SSL_clear_mode(SSL *s, long m) { return SSL_clear_mode(s, m); }

static const uint64_t dg_SSL_OP_NO_COMPRESSION = SSL_OP_NO_COMPRESSION;
static const uint64_t dg_SSL_OP_NO_RENEGOTIATION = SSL_OP_NO_RENEGOTIATION;
static const uint64_t dg_SSL_OP_CIPHER_SERVER_PREFERENCE = SSL_OP_CIPHER_SERVER_PREFERENCE;
static const uint64_t dg_SSL_OP_NO_TICKET = SSL_OP_NO_TICKET;

static inline STACK_OF(GENERAL_NAME) *dg_sk_GENERAL_NAME_new_null(void) { return sk_GENERAL_NAME_new_null(); }
static inline int dg_sk_GENERAL_NAME_push(STACK_OF(GENERAL_NAME) *s, GENERAL_NAME *n) { return sk_GENERAL_NAME_push(s, n); }
static inline int dg_sk_GENERAL_NAME_num(const STACK_OF(GENERAL_NAME) *s) { return sk_GENERAL_NAME_num(s); }
static inline GENERAL_NAME *dg_sk_GENERAL_NAME_value(const STACK_OF(GENERAL_NAME) *s, int i) { return sk_GENERAL_NAME_value(s, i); }
static inline void dg_BIO_set_retry_read(BIO *b) { BIO_set_retry_read(b); }
static inline void dg_BIO_clear_retry_flags(BIO *b) { BIO_clear_retry_flags(b); }
static inline void dg_OPENSSL_free(void *p) { OPENSSL_free(p); }

#endif
