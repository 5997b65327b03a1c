#include "azureconfig.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonParseError>

namespace Opsdeck {

namespace {

const QStringList kCredentials { QStringLiteral("clientSecret"), QStringLiteral("refreshToken"),
                                 QStringLiteral("azureCli") };

tl::unexpected<Error> configError(const QString &message)
{
    return makeError(ErrorKind::Config, message,
                     QStringLiteral("see docs/azure-config.md for the file format"));
}

// A string member, or an error naming the key when it is there but not a string.
Result<QString> stringAt(const QJsonObject &object, const QString &key)
{
    const QJsonValue value = object.value(key);
    if (value.isUndefined() || value.isNull())
        return QString();
    if (!value.isString())
        return configError(QStringLiteral("Azure config: '%1' must be a string").arg(key));
    return value.toString().trimmed();
}

Result<QUrl> urlAt(const QJsonObject &object, const QString &key, const QUrl &fallback)
{
    auto text = stringAt(object, key);
    if (!text)
        return tl::unexpected(text.error());
    if (text->isEmpty())
        return fallback;
    QUrl url(*text, QUrl::StrictMode);
    if (!url.isValid() || url.host().isEmpty() || (url.scheme() != u"https" && url.scheme() != u"http"))
        return configError(QStringLiteral("Azure config: '%1' is not an http(s) URL: %2").arg(key, *text));
    // Bases without a trailing slash, so "<base>/v1/…" and "<base>/<tenant>/…" join cleanly.
    QString path = url.path();
    while (path.endsWith(QLatin1Char('/')))
        path.chop(1);
    url.setPath(path);
    return url;
}

QString urlText(const QUrl &url)
{
    return url.toString(QUrl::FullyEncoded);
}

} // namespace

Result<AzureConfig> AzureConfig::load(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return makeError(ErrorKind::Config,
                         QStringLiteral("cannot read the Azure config %1: %2").arg(path, file.errorString()),
                         QStringLiteral("pass an existing file to --azure-config"));
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(file.readAll(), &parseError);
    if (parseError.error != QJsonParseError::NoError || !document.isObject())
        return makeError(ErrorKind::Config,
                         QStringLiteral("the Azure config %1 is not a JSON object: %2 at offset %3")
                             .arg(path, parseError.errorString())
                             .arg(parseError.offset),
                         QStringLiteral("see docs/azure-config.md for the file format"));
    auto config = fromJson(document.object());
    if (!config) {
        Error error = config.error();
        error.message = path + QStringLiteral(": ") + error.message;
        return tl::unexpected(error);
    }
    // A relative CA path is relative to the file that names it.
    if (!config->caFile.isEmpty() && QFileInfo(config->caFile).isRelative()) {
        config->caFile = QFileInfo(path).absoluteDir().filePath(config->caFile);
        config->raw.insert(QStringLiteral("caFile"), config->caFile);
    }
    if (!config->caFile.isEmpty() && !QFileInfo(config->caFile).isReadable())
        return makeError(ErrorKind::Config,
                         QStringLiteral("%1: caFile %2 cannot be read").arg(path, config->caFile),
                         QStringLiteral("point caFile at a PEM certificate, or leave it out for real Azure"));
    return config;
}

Result<AzureConfig> AzureConfig::fromJson(const QJsonObject &object)
{
    AzureConfig c;
    c.raw = object;
    struct Text
    {
        const char *key;
        QString *target;
    };
    for (const Text &t :
         { Text { "tenantId", &c.tenantId }, Text { "clientId", &c.clientId },
           Text { "clientSecret", &c.clientSecret }, Text { "subscriptionId", &c.subscriptionId },
           Text { "resourceGroup", &c.resourceGroup }, Text { "workspaceId", &c.workspaceId },
           Text { "appId", &c.appId }, Text { "caFile", &c.caFile },
           Text { "refreshToken", &c.refreshToken } }) {
        auto value = stringAt(object, QString::fromLatin1(t.key));
        if (!value)
            return tl::unexpected(value.error());
        *t.target = *value;
    }
    struct Url
    {
        const char *key;
        QUrl *target;
        QUrl fallback;
    };
    for (const Url &u :
         { Url { "authorityHost", &c.authorityHost, defaultAuthorityHost() },
           Url { "armEndpoint", &c.armEndpoint, defaultArmEndpoint() },
           Url { "logAnalyticsEndpoint", &c.logAnalyticsEndpoint, defaultLogAnalyticsEndpoint() },
           Url { "appInsightsEndpoint", &c.appInsightsEndpoint, defaultAppInsightsEndpoint() } }) {
        auto value = urlAt(object, QString::fromLatin1(u.key), u.fallback);
        if (!value)
            return tl::unexpected(value.error());
        *u.target = *value;
    }

    auto credential = stringAt(object, QStringLiteral("credential"));
    if (!credential)
        return tl::unexpected(credential.error());
    if (!credential->isEmpty())
        c.credential = *credential;
    else if (c.clientSecret.isEmpty() && !c.refreshToken.isEmpty())
        c.credential = QStringLiteral("refreshToken");
    if (!kCredentials.contains(c.credential))
        return configError(QStringLiteral("Azure config: 'credential' must be one of %1, not '%2'")
                               .arg(kCredentials.join(QStringLiteral(", ")), c.credential));

    if (c.credential != u"azureCli" && c.tenantId.isEmpty())
        return configError(QStringLiteral("Azure config: 'tenantId' is missing"));
    if (c.credential == u"clientSecret" && c.clientId.isEmpty())
        return configError(
            QStringLiteral("Azure config: 'clientId' is missing (the service principal's application id)"));
    if (c.credential == u"refreshToken" && c.clientId.isEmpty())
        c.clientId = azureCliClientId();
    return c;
}

QVariantMap AzureConfig::toSettings() const
{
    QVariantMap settings = raw.toVariantMap();
    const auto put = [&settings](const char *key, const QString &value) {
        if (value.isEmpty())
            settings.remove(QString::fromLatin1(key));
        else
            settings.insert(QString::fromLatin1(key), value);
    };
    put("authorityHost", urlText(authorityHost));
    put("tenantId", tenantId);
    put("clientId", clientId);
    put("clientSecret", clientSecret);
    put("armEndpoint", urlText(armEndpoint));
    put("subscriptionId", subscriptionId);
    put("resourceGroup", resourceGroup);
    put("logAnalyticsEndpoint", urlText(logAnalyticsEndpoint));
    put("workspaceId", workspaceId);
    put("appInsightsEndpoint", urlText(appInsightsEndpoint));
    put("appId", appId);
    put("caFile", caFile);
    put("credential", credential);
    put("refreshToken", refreshToken);
    return settings;
}

Result<AzureConfig> AzureConfig::fromSettings(const QVariantMap &settings)
{
    // Source settings may carry other keys (ids, options) of other types: only ours must be strings.
    return fromJson(QJsonObject::fromVariantMap(settings));
}

} // namespace Opsdeck
