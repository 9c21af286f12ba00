/* test_sha256: util/sha256 against FIPS 180-4's examples and sha256sum:
 * the empty string, "abc", the two-block message, a million 'a' fed one
 * byte at a time, and a message split across update calls at every
 * offset around a block's end. */
#include "check.h"
#include "util/sha256.h"

static const char *hash(const char *s)
{
	static char out[65];
	sha256_ctx c;
	sha256_init(&c);
	sha256_update(&c, s, strlen(s));
	sha256_hex(&c, out);
	return out;
}

int main(void)
{
	CHECK_STR(hash(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	CHECK_STR(hash("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	CHECK_STR(hash("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
		  "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	sha256_ctx c;
	char out[65];
	sha256_init(&c);
	for (int i = 0; i < 1000000; i++) sha256_update(&c, "a", 1);
	sha256_hex(&c, out);
	CHECK_STR(out, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
	char msg[130];
	for (int i = 0; i < 129; i++) msg[i] = (char)('a' + i % 26);
	msg[129] = '\0';
	const char *whole = hash(msg);
	char want[65];
	memcpy(want, whole, sizeof want);
	CHECK_STR(want, "cd6bba8374324cbcc0c296b94f35299c0b9820393116358ac3afaf091a4955a5");   /* sha256sum */
	for (size_t cut = 50; cut < 80; cut++) {
		sha256_init(&c);
		sha256_update(&c, msg, cut);
		sha256_update(&c, msg + cut, 129 - cut);
		sha256_hex(&c, out);
		CHECK_STR(out, want);
	}
	return CHECK_DONE();
}
