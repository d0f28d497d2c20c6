#include "writer/bundle_sign.h"

#include "libpanya/bundle_format.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "common/hash.h"
#include "common/output_file.h"

#define MAX_KEY_FILE_SIZE 16384

struct bundle_key {
    EVP_PKEY *pkey;
    uint8_t public_key[BUNDLE_PUBLIC_KEY_SIZE];
};

static void id_of_public_key(const uint8_t public_key[BUNDLE_PUBLIC_KEY_SIZE],
                             char key_id[BUNDLE_KEY_ID_HEX_SIZE])
{
    uint8_t digest[PANYA_HASH_SIZE];
    char hex[PANYA_HASH_HEX_SIZE];
    panya_sha256_buffer(public_key, BUNDLE_PUBLIC_KEY_SIZE, digest);
    panya_hash_to_hex(digest, hex);
    memcpy(key_id, hex, BUNDLE_KEY_ID_HEX_SIZE - 1);
    key_id[BUNDLE_KEY_ID_HEX_SIZE - 1] = '\0';
}

/* Takes ownership of pkey. */
static bundle_key *wrap_key(EVP_PKEY *pkey, const char *path, panya_error *err)
{
    bundle_key *key = calloc(1, sizeof *key);
    size_t len = BUNDLE_PUBLIC_KEY_SIZE;
    if (!key) {
        EVP_PKEY_free(pkey);
        panya_error_oom(err);
        return NULL;
    }
    key->pkey = pkey;
    if (EVP_PKEY_get_id(pkey) != EVP_PKEY_ED25519 ||
        EVP_PKEY_get_raw_public_key(pkey, key->public_key, &len) != 1 ||
        len != BUNDLE_PUBLIC_KEY_SIZE) {
        bundle_key_free(key);
        panya_error_set(err, PANYA_ERR_USAGE, "%s: not an Ed25519 key (make one with "
                                               "'panya keygen')", path);
        return NULL;
    }
    return key;
}

void bundle_key_free(bundle_key *key)
{
    if (!key)
        return;
    EVP_PKEY_free(key->pkey);
    free(key);
}

void bundle_key_id(const bundle_key *key, char key_id[BUNDLE_KEY_ID_HEX_SIZE])
{
    id_of_public_key(key->public_key, key_id);
}

/* Reads a small PEM file whole (a huge or special file is refused before parsing) and
 * parses a public key (falling back to a private key) or a private key. */
static bundle_key *load_key(const char *path, bool want_private, panya_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        panya_error_errno(err, PANYA_ERR_USAGE, errno, "%s", path);
        return NULL;
    }
    char buf[MAX_KEY_FILE_SIZE];
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    if (n == sizeof buf) {
        panya_error_set(err, PANYA_ERR_USAGE, "%s: too large to be a key file", path);
        return NULL;
    }
    BIO *bio = BIO_new_mem_buf(buf, (int)n);
    if (!bio) {
        panya_error_oom(err);
        return NULL;
    }
    EVP_PKEY *pkey = want_private ? NULL : PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL);
    if (!pkey) {
        BIO_reset(bio);
        pkey = PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL);
    }
    BIO_free(bio);
    if (!pkey) {
        panya_error_set(err, PANYA_ERR_USAGE, "%s: not a PEM %s key", path,
                        want_private ? "private" : "public");
        return NULL;
    }
    return wrap_key(pkey, path, err);
}

bundle_key *bundle_key_load_private(const char *path, panya_error *err)
{
    return load_key(path, true, err);
}

bundle_key *bundle_key_load_public(const char *path, panya_error *err)
{
    return load_key(path, false, err);
}

/* Writes a memory BIO's bytes to path crash-safely with the given mode. */
static int write_bio(BIO *bio, const char *path, mode_t mode, panya_error *err)
{
    char *data;
    long len = BIO_get_mem_data(bio, &data);
    panya_output_file out;
    if (panya_output_open(&out, path, err) != 0)
        return -1;
    if (fchmod(out.fd, mode) != 0 || panya_output_write(&out, data, (size_t)len, err) != 0) {
        if (!err->code)
            panya_error_errno(err, PANYA_ERR_OUTPUT, errno, "%s", path);
        panya_output_abort(&out);
        return -1;
    }
    return panya_output_commit(&out, err);
}

int bundle_keygen(const char *private_path, const char *public_path,
                  char key_id[BUNDLE_KEY_ID_HEX_SIZE], panya_error *err)
{
    EVP_PKEY *pkey = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
    if (!pkey)
        return panya_error_set(err, PANYA_ERR_INTERNAL, "cannot generate an Ed25519 key");
    bundle_key *key = wrap_key(pkey, private_path, err);
    if (!key)
        return -1;
    BIO *priv = BIO_new(BIO_s_mem()), *pub = BIO_new(BIO_s_mem());
    int status = -1;
    if (!priv || !pub || PEM_write_bio_PrivateKey(priv, key->pkey, NULL, NULL, 0, NULL, NULL) != 1 ||
        PEM_write_bio_PUBKEY(pub, key->pkey) != 1)
        panya_error_set(err, PANYA_ERR_INTERNAL, "cannot encode the key as PEM");
    else if (write_bio(priv, private_path, 0600, err) == 0 &&
             write_bio(pub, public_path, 0644, err) == 0)
        status = 0;
    if (status == 0)
        bundle_key_id(key, key_id);
    BIO_free(priv);
    BIO_free(pub);
    bundle_key_free(key);
    return status;
}

int bundle_sign_manifest(const bundle_key *key, const uint8_t *manifest, size_t len,
                         uint8_t block[BUNDLE_SIGNATURE_BLOCK_SIZE], panya_error *err)
{
    memset(block, 0, BUNDLE_SIGNATURE_BLOCK_SIZE);
    memcpy(block, BUNDLE_SIGNATURE_MAGIC, 8);
    bundle_put_u32(block + 8, BUNDLE_SIGNATURE_ED25519);
    memcpy(block + 16, key->public_key, BUNDLE_PUBLIC_KEY_SIZE);
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    size_t sig_len = BUNDLE_SIGNATURE_SIZE;
    int ok = ctx && EVP_DigestSignInit(ctx, NULL, NULL, NULL, key->pkey) == 1 &&
             EVP_DigestSign(ctx, block + 48, &sig_len, manifest, len) == 1 &&
             sig_len == BUNDLE_SIGNATURE_SIZE;
    EVP_MD_CTX_free(ctx);
    if (!ok)
        return panya_error_set(err, PANYA_ERR_USAGE,
                               "cannot sign with this key (is it a private key?)");
    return 0;
}

void bundle_key_public(const bundle_key *key, uint8_t public_key[BUNDLE_PUBLIC_KEY_SIZE])
{
    memcpy(public_key, key->public_key, BUNDLE_PUBLIC_KEY_SIZE);
}
