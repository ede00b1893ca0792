/* An in-memory TLS 1.3 handshake with Debian's static libssl: a P-256 key
 * and a self-signed certificate made at run time; a server thread and a
 * client thread that talk through two pipes; the client trusts only that
 * certificate and checks the host name and IP address in it.  Then the
 * cases that must fail: a client that allows only TLS 1.2, and a client
 * that expects another host name.  Each thread keeps its lines and main
 * prints them after both are done, server first, so the order is fixed. */
#include "abi.h"
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <pthread.h>

struct side {
	const char *name;
	SSL_CTX *ctx;
	int rfd, wfd;	  /* this side's ends of the two pipes */
	const char *host; /* client: the name it expects, NULL for none */
	const char *ip;	  /* client: the address it expects, NULL for none */
	char out[4096];	  /* what it saw, printed by main */
	size_t len;
};

static void say(struct side *s, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(s->out + s->len, sizeof(s->out) - s->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		s->len +=
		    (size_t)n < sizeof(s->out) - s->len ? (size_t)n : sizeof(s->out) - s->len - 1;
}

/* The reason of the oldest error this thread queued, and clears the queue. */
static const char *reason(void)
{
	unsigned long e = ERR_get_error();
	const char *r = e ? ERR_reason_error_string(e) : NULL;
	ERR_clear_error();
	return r ? r : "no reason";
}

static EVP_PKEY *key;
static X509 *cert;

static void make_cert(void)
{
	key = EVP_EC_gen("P-256");
	if (!key) {
		printf("EVP_EC_gen: %s (cannot go on)\n", reason());
		exit(3);
	}
	cert = X509_new();
	X509_set_version(cert, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
	X509_gmtime_adj(X509_getm_notBefore(cert), -3600);
	X509_gmtime_adj(X509_getm_notAfter(cert), 86400);
	X509_set_pubkey(cert, key);
	X509_NAME *n = X509_get_subject_name(cert);
	X509_NAME_add_entry_by_txt(n, "O", MBSTRING_ASC, (const unsigned char *)"Pallas ABI", -1,
				   -1, 0);
	X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC, (const unsigned char *)"localhost", -1,
				   -1, 0);
	X509_set_issuer_name(cert, n);
	X509V3_CTX v3;
	X509V3_set_ctx_nodb(&v3);
	X509V3_set_ctx(&v3, cert, cert, NULL, NULL, 0);
	static const char *const ext[][2] = {
	    {"basicConstraints", "critical,CA:TRUE"},
	    {"keyUsage", "critical,digitalSignature,keyCertSign"},
	    {"extendedKeyUsage", "serverAuth"},
	    {"subjectAltName", "DNS:localhost,IP:127.0.0.1"},
	    {"subjectKeyIdentifier", "hash"},
	};
	for (size_t i = 0; i < sizeof(ext) / sizeof(ext[0]); i++) {
		X509_EXTENSION *x = X509V3_EXT_conf(NULL, &v3, ext[i][0], ext[i][1]);
		if (!x || !X509_add_ext(cert, x, -1)) {
			printf("extension %s: %s (cannot go on)\n", ext[i][0], reason());
			exit(3);
		}
		X509_EXTENSION_free(x);
	}
	if (!X509_sign(cert, key, EVP_sha256())) {
		printf("X509_sign: %s (cannot go on)\n", reason());
		exit(3);
	}
	char *subj = X509_NAME_oneline(n, NULL, 0);
	printf("certificate: %s, key %s\n", subj, OBJ_nid2sn(EVP_PKEY_get_base_id(key)));
	OPENSSL_free(subj);
	yes("certificate verifies with its own key", X509_verify(cert, key) == 1);
}

static SSL_CTX *server_ctx(void)
{
	SSL_CTX *c = SSL_CTX_new(TLS_server_method());
	SSL_CTX_set_min_proto_version(c, TLS1_3_VERSION);
	SSL_CTX_set_max_proto_version(c, TLS1_3_VERSION);
	if (SSL_CTX_use_certificate(c, cert) != 1 || SSL_CTX_use_PrivateKey(c, key) != 1 ||
	    SSL_CTX_check_private_key(c) != 1) {
		printf("server certificate: %s (cannot go on)\n", reason());
		exit(3);
	}
	return c;
}

static SSL_CTX *client_ctx(int version)
{
	SSL_CTX *c = SSL_CTX_new(TLS_client_method());
	SSL_CTX_set_min_proto_version(c, version);
	SSL_CTX_set_max_proto_version(c, version);
	SSL_CTX_set_verify(c, SSL_VERIFY_PEER, NULL);
	X509_STORE_add_cert(SSL_CTX_get_cert_store(c), cert);
	return c;
}

static SSL *new_ssl(struct side *s)
{
	SSL *ssl = SSL_new(s->ctx);
	/* The write BIO owns its pipe end: freeing it gives the peer EOF, so
	 * a side that failed never leaves the other one blocked in read. */
	BIO *r = BIO_new_fd(s->rfd, BIO_NOCLOSE), *w = BIO_new_fd(s->wfd, BIO_CLOSE);
	SSL_set_bio(ssl, r, w);
	return ssl;
}

/* Reads exactly n bytes of application data. */
static int read_all(SSL *ssl, char *buf, int n)
{
	int got = 0;
	while (got < n) {
		int r = SSL_read(ssl, buf + got, n - got);
		if (r <= 0)
			return -1;
		got += r;
	}
	return got;
}

/* Both sides: after the handshake, one message each way and a large one
 * from the client (many records through the pipe), then close_notify. */
static const char ping[] = "ping from the client", pong[] = "pong from the server";
enum { BIG = 200000 };

static char pattern(int i)
{
	return (char)(i * 7 + i / 251);
}

static void converse(struct side *s, SSL *ssl, int client)
{
	char buf[64];
	if (client) {
		static char big_sent[BIG];
		for (int i = 0; i < BIG; i++)
			big_sent[i] = pattern(i);
		say(s, "SSL_write ping: %d\n", SSL_write(ssl, ping, sizeof(ping)));
		say(s, "SSL_write %d bytes: %d\n", BIG, SSL_write(ssl, big_sent, BIG));
		int n = read_all(ssl, buf, sizeof(pong));
		say(s, "received: %s\n", n == sizeof(pong) ? buf : reason());
		say(s, "  intact: %s\n",
		    n == sizeof(pong) && memcmp(buf, pong, sizeof(pong)) == 0 ? "yes" : "no");
	} else {
		static char big[BIG];
		int n = read_all(ssl, buf, sizeof(ping));
		say(s, "received: %s\n", n == sizeof(ping) ? buf : reason());
		say(s, "  intact: %s\n",
		    n == sizeof(ping) && memcmp(buf, ping, sizeof(ping)) == 0 ? "yes" : "no");
		n = read_all(ssl, big, BIG);
		int same = n == BIG;
		for (int i = 0; same && i < BIG; i++)
			same = big[i] == pattern(i);
		say(s, "received %d bytes, intact: %s\n", n, same ? "yes" : "no");
		say(s, "SSL_write pong: %d\n", SSL_write(ssl, pong, sizeof(pong)));
	}
	int r = SSL_shutdown(ssl);
	if (r == 0)
		r = SSL_shutdown(ssl);
	say(s, "SSL_shutdown: %s\n", r == 1 ? "clean" : reason());
	int st = SSL_get_shutdown(ssl);
	say(s, "close_notify sent: %s, received: %s\n", st & SSL_SENT_SHUTDOWN ? "yes" : "no",
	    st & SSL_RECEIVED_SHUTDOWN ? "yes" : "no");
}

static void *run(void *arg)
{
	struct side *s = arg;
	int client = s->ctx && SSL_CTX_get_verify_mode(s->ctx) & SSL_VERIFY_PEER;
	SSL *ssl = new_ssl(s);
	if (client && s->host) {
		SSL_set1_host(ssl, s->host);
		SSL_set_tlsext_host_name(ssl, s->host);
	}
	if (client && s->ip)
		X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), s->ip);
	int r = client ? SSL_connect(ssl) : SSL_accept(ssl);
	if (r != 1) {
		say(s, "handshake: failed (%s)\n", reason());
		if (client)
			say(s, "verify result: %s\n",
			    X509_verify_cert_error_string(SSL_get_verify_result(ssl)));
		SSL_free(ssl);
		return NULL;
	}
	say(s, "handshake: ok\n");
	say(s, "version: %s\n", SSL_get_version(ssl));
	say(s, "cipher: %s\n", SSL_get_cipher_name(ssl));
	say(s, "group: %s\n", OBJ_nid2sn(SSL_get_negotiated_group(ssl)));
	if (client) {
		X509 *peer = SSL_get0_peer_certificate(ssl);
		char *subj = peer ? X509_NAME_oneline(X509_get_subject_name(peer), NULL, 0) : NULL;
		say(s, "peer subject: %s\n", subj ? subj : "none");
		OPENSSL_free(subj);
		say(s, "verify result: %s\n",
		    X509_verify_cert_error_string(SSL_get_verify_result(ssl)));
		say(s, "verified host: %s\n",
		    SSL_get0_peername(ssl) ? SSL_get0_peername(ssl) : "none");
	} else {
		const char *sni = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);
		say(s, "server name asked: %s\n", sni ? sni : "none");
	}
	converse(s, ssl, client);
	SSL_free(ssl);
	return NULL;
}

/* One connection: the server's and the client's threads, two pipes. */
static void trial(const char *what, int client_version, const char *host, const char *ip)
{
	int c2s[2], s2c[2];
	need("pipe", pipe(c2s));
	need("pipe", pipe(s2c));
	struct side srv = {.name = "server", .ctx = server_ctx(), .rfd = c2s[0], .wfd = s2c[1]};
	struct side cli = {.name = "client",
			   .ctx = client_ctx(client_version),
			   .rfd = s2c[0],
			   .wfd = c2s[1],
			   .host = host,
			   .ip = ip};
	pthread_t ts, tc;
	if (pthread_create(&ts, NULL, run, &srv) || pthread_create(&tc, NULL, run, &cli)) {
		printf("pthread_create failed (cannot go on)\n");
		exit(3);
	}
	pthread_join(ts, NULL);
	pthread_join(tc, NULL);
	close(c2s[0]);
	close(s2c[0]);
	SSL_CTX_free(srv.ctx);
	SSL_CTX_free(cli.ctx);
	printf("== %s\n", what);
	printf("server:\n%s", srv.out);
	printf("client:\n%s", cli.out);
}

int main(int argc, char **argv)
{
	scratch(argc, argv);
	make_cert();
	trial("TLS 1.3, host localhost, IP 127.0.0.1", TLS1_3_VERSION, "localhost", "127.0.0.1");
	trial("a client that allows only TLS 1.2", TLS1_2_VERSION, "localhost", "127.0.0.1");
	trial("a client that expects the host example.org", TLS1_3_VERSION, "example.org", NULL);
	trial("a client that expects the address 10.0.0.1", TLS1_3_VERSION, NULL, "10.0.0.1");
	return 0;
}
