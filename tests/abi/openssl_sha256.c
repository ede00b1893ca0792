/* Debian's static libcrypto hashes files written into the scratch
 * directory, read back through its own file BIO, against the FIPS 180-2
 * test vectors (one of them a million bytes, read in many pieces). */
#include "abi.h"
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>

static void hex(const unsigned char *d, unsigned n, char *out)
{
	for (unsigned i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", d[i]);
}

/* The SHA-256 of dir/name read through a BIO in chunks of `chunk` bytes. */
static void digest_file(const char *dir, const char *name, size_t chunk, const char *known)
{
	BIO *in = BIO_new_file(at(dir, name, 0), "rb");
	if (!in) {
		printf("%s: BIO_new_file failed: %s\n", name,
		       ERR_reason_error_string(ERR_get_error()));
		return;
	}
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
	static unsigned char buf[65536];
	long total = 0;
	int n;
	while ((n = BIO_read(in, buf, chunk)) > 0) {
		EVP_DigestUpdate(ctx, buf, n);
		total += n;
	}
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned len = 0;
	EVP_DigestFinal_ex(ctx, md, &len);
	EVP_MD_CTX_free(ctx);
	BIO_free(in);
	char h[2 * EVP_MAX_MD_SIZE + 1];
	hex(md, len, h);
	printf("%s: %ld bytes, sha256 %s\n", name, total, h);
	yes("  matches the known digest", strcmp(h, known) == 0);
}

int main(int argc, char **argv)
{
	const char *dir = scratch(argc, argv);
	put_file(dir, "abc", "abc");
	put_file(dir, "two-blocks", "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq");
	put_file(dir, "empty", "");
	static char million[1000001];
	memset(million, 'a', 1000000);
	put_file(dir, "million-a", million);

	digest_file(dir, "abc", 4096,
		    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	digest_file(dir, "two-blocks", 7,
		    "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	digest_file(dir, "empty", 4096,
		    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	digest_file(dir, "million-a", 65536,
		    "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
	digest_file(dir, "million-a", 1000,
		    "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");

	/* The one-shot digest of the same bytes in memory agrees. */
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned len = 0;
	EVP_Digest(million, 1000000, md, &len, EVP_sha256(), NULL);
	char h[2 * EVP_MAX_MD_SIZE + 1];
	hex(md, len, h);
	printf("in memory: sha256 %s\n", h);
	BIO *none = BIO_new_file(at(dir, "absent", 0), "rb");
	printf("absent file: %s\n", none ? "opened" : "not opened");
	BIO_free(none);
	return 0;
}
