#pragma once

// A throw-away certificate authority made at start-up with OpenSSL: a CA and a server certificate for
// 127.0.0.1, ::1 and localhost signed by it. Clients trust the CA through the written kubeconfig, so
// the sim speaks real, verified TLS (client-node refuses plain http, DESIGN §12).

#include <openssl/evp.h>
#include <openssl/x509.h>

#include <string>

namespace sim {

class CertificateAuthority
{
public:
    CertificateAuthority(); // throws std::runtime_error when OpenSSL fails
    ~CertificateAuthority();
    CertificateAuthority(const CertificateAuthority &) = delete;
    CertificateAuthority &operator=(const CertificateAuthority &) = delete;

    X509 *serverCertificate() const { return m_serverCert; }
    EVP_PKEY *serverKey() const { return m_serverKey; }
    std::string caPem() const;

private:
    EVP_PKEY *m_caKey = nullptr;
    X509 *m_caCert = nullptr;
    EVP_PKEY *m_serverKey = nullptr;
    X509 *m_serverCert = nullptr;
};

} // namespace sim
