#include "certificateauthority.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>

#include <stdexcept>

namespace sim {

namespace {

void check(bool ok, const char *what)
{
    if (!ok)
        throw std::runtime_error(std::string("TLS setup failed: ") + what);
}

EVP_PKEY *newKey()
{
    EVP_PKEY *key = EVP_EC_gen("P-256"); // fast to make, accepted by Go, Node and Qt
    check(key != nullptr, "EC key generation");
    return key;
}

void addExtension(X509 *cert, X509 *issuer, int nid, const char *value)
{
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
    X509_EXTENSION *ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
    check(ext != nullptr, "certificate extension");
    X509_add_ext(cert, ext, -1);
    X509_EXTENSION_free(ext);
}

X509 *newCertificate(EVP_PKEY *key, const char *commonName, long validDays)
{
    X509 *cert = X509_new();
    check(cert != nullptr, "X509_new");
    X509_set_version(cert, 2);
    unsigned char serial[16];
    check(RAND_bytes(serial, sizeof serial) == 1, "serial number");
    serial[0] &= 0x7f; // positive
    BIGNUM *bn = BN_bin2bn(serial, sizeof serial, nullptr);
    BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert));
    BN_free(bn);
    // Back-dated an hour so a client whose clock is slightly behind still accepts it.
    X509_gmtime_adj(X509_getm_notBefore(cert), -3600);
    X509_gmtime_adj(X509_getm_notAfter(cert), validDays * 24 * 3600);
    X509_set_pubkey(cert, key);
    X509_NAME *name = X509_get_subject_name(cert);
    X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC, reinterpret_cast<const unsigned char *>("opsdeck-sim"), -1, -1, 0);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char *>(commonName), -1, -1, 0);
    return cert;
}

} // namespace

CertificateAuthority::CertificateAuthority()
{
    m_caKey = newKey();
    m_caCert = newCertificate(m_caKey, "opsdeck-sim-ca", 365);
    X509_set_issuer_name(m_caCert, X509_get_subject_name(m_caCert));
    addExtension(m_caCert, m_caCert, NID_basic_constraints, "critical,CA:TRUE");
    addExtension(m_caCert, m_caCert, NID_key_usage, "critical,keyCertSign,cRLSign,digitalSignature");
    addExtension(m_caCert, m_caCert, NID_subject_key_identifier, "hash");
    check(X509_sign(m_caCert, m_caKey, EVP_sha256()) > 0, "signing the CA");

    m_serverKey = newKey();
    m_serverCert = newCertificate(m_serverKey, "127.0.0.1", 365);
    X509_set_issuer_name(m_serverCert, X509_get_subject_name(m_caCert));
    addExtension(m_serverCert, m_caCert, NID_basic_constraints, "critical,CA:FALSE");
    addExtension(m_serverCert, m_caCert, NID_key_usage, "critical,digitalSignature,keyEncipherment");
    addExtension(m_serverCert, m_caCert, NID_ext_key_usage, "serverAuth");
    addExtension(m_serverCert, m_caCert, NID_subject_key_identifier, "hash");
    addExtension(m_serverCert, m_caCert, NID_authority_key_identifier, "keyid:always");
    addExtension(m_serverCert, m_caCert, NID_subject_alt_name, "IP:127.0.0.1,IP:::1,DNS:localhost");
    check(X509_sign(m_serverCert, m_caKey, EVP_sha256()) > 0, "signing the server certificate");
}

CertificateAuthority::~CertificateAuthority()
{
    X509_free(m_serverCert);
    EVP_PKEY_free(m_serverKey);
    X509_free(m_caCert);
    EVP_PKEY_free(m_caKey);
}

std::string CertificateAuthority::caPem() const
{
    BIO *bio = BIO_new(BIO_s_mem());
    PEM_write_bio_X509(bio, m_caCert);
    char *data = nullptr;
    const long length = BIO_get_mem_data(bio, &data);
    std::string pem(data, static_cast<std::size_t>(length));
    BIO_free(bio);
    return pem;
}

} // namespace sim
