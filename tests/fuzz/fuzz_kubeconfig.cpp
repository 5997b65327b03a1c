// fuzz-kubeconfig: one kubeconfig file through KubeconfigLoader::parse, then Kubeconfig::resolve of the
// current context, of every defined context and of an undefined one (core/kubeconfigloader.cpp,
// core/kubeconfig.cpp). The file "lives" in tests/unit/core/fixtures/kubeconfig, so the relative paths of
// the seeds (certs/ca.crt, secrets/token, ...) resolve to real certificates, keys and tokens.
// Besides crashes it checks what resolve() promises of a connection it returns.

#include "kubeconfigloader.h"

#include <QCoreApplication>
#include <QFileInfo>

#include <cstdio>
#include <cstdlib>

using namespace Opsdeck;

namespace {

[[noreturn]] void fail(const char *what)
{
    std::fprintf(stderr, "fuzz-kubeconfig: %s\n", what);
    std::abort();
}

// resolve() reads the files a kubeconfig names. A device (/dev/zero, /dev/stdin) or a huge file would
// block or exhaust the fuzzer rather than find a bug, so contexts naming one are only parsed.
bool safeToRead(const QString &path)
{
    if (path.isEmpty())
        return true;
    const QFileInfo info(path);
    return !info.exists() || (info.isFile() && info.size() < 1024 * 1024);
}

bool safeToResolve(const Kubeconfig &config, const QString &contextName)
{
    const auto ctx = config.context(contextName);
    if (!ctx)
        return true;
    if (const auto cluster = config.cluster(ctx->cluster); cluster && !safeToRead(cluster->certificateAuthority))
        return false;
    if (const auto user = config.user(ctx->user)) {
        if (!safeToRead(user->clientCertificate) || !safeToRead(user->clientKey) || !safeToRead(user->tokenFile))
            return false;
    }
    return true;
}

void checkResolve(const Kubeconfig &config, const QString &contextName)
{
    if (!safeToResolve(config, contextName.isEmpty() ? config.currentContext() : contextName))
        return;
    const auto conn = config.resolve(contextName);
    if (!conn) {
        if (conn.error().message.isEmpty())
            fail("a resolve error without a message");
        return;
    }
    if (!contextName.isEmpty() && conn->contextName != contextName)
        fail("resolved a different context than asked for");
    if (conn->namespaceName.isEmpty())
        fail("a connection without a namespace");
    const QString scheme = conn->server.scheme();
    if (!conn->server.isValid() || conn->server.host().isEmpty() || (scheme != u"https" && scheme != u"http"))
        fail("a connection whose server is not an http(s) URL");
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    // QSslCertificate finds its TLS backend through Qt's plugin loader.
    static QCoreApplication app(*argc, *argv);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray yaml(reinterpret_cast<const char *>(data), qsizetype(size));
    const QString fileName = QStringLiteral(FIXTURE_DIR "/fuzz.yaml");
    const auto config = KubeconfigLoader::parse(yaml, fileName);
    if (!config) {
        if (config.error().message.isEmpty())
            fail("a parse error without a message");
        return 0;
    }
    checkResolve(*config, {});
    for (const QString &name : config->contextNames())
        checkResolve(*config, name);
    checkResolve(*config, QStringLiteral("no-such-context"));
    return 0;
}
