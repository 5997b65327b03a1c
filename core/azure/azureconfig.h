#pragma once

// Where Opsdeck finds Azure: the authority (Entra ID), the tenant and client, and every endpoint. The
// same JSON file serves opsdeck-sim (`opsdeck-sim --write-azure-config`) and real Azure (a file the user
// writes, docs/azure-config.md). Endpoints left out default to Azure's public cloud. As source settings
// the keys are the JSON keys plus `credential` and `refreshToken`; keys this struct does not know (later
// issues' ones) stay in `raw` and pass through toSettings().

#include "../error.h"

#include <QJsonObject>
#include <QString>
#include <QUrl>
#include <QVariantMap>

namespace Opsdeck {

struct AzureConfig
{
    QUrl authorityHost;
    QString tenantId, clientId, clientSecret;
    QUrl armEndpoint;
    QString subscriptionId, resourceGroup;
    QUrl logAnalyticsEndpoint;
    QString workspaceId;
    QUrl appInsightsEndpoint;
    QString appId;
    QString caFile; // a PEM CA trusted in addition to the system's (the sim's)
    QJsonObject raw; // the whole object as read, including keys not named above

    // How tokens are obtained: "clientSecret" (service principal), "refreshToken" (a user signed in
    // with a device code) or "azureCli" (`az account get-access-token`).
    QString credential = QStringLiteral("clientSecret");
    QString refreshToken; // for credential "refreshToken"; a secret like clientSecret

    static Result<AzureConfig> load(const QString &path);
    static Result<AzureConfig> fromJson(const QJsonObject &object);
    QVariantMap toSettings() const;
    static Result<AzureConfig> fromSettings(const QVariantMap &settings);

    // Azure's public cloud, used where the file names no endpoint.
    static QUrl defaultAuthorityHost() { return QUrl(QStringLiteral("https://login.microsoftonline.com")); }
    static QUrl defaultArmEndpoint() { return QUrl(QStringLiteral("https://management.azure.com")); }
    static QUrl defaultLogAnalyticsEndpoint() { return QUrl(QStringLiteral("https://api.loganalytics.io")); }
    static QUrl defaultAppInsightsEndpoint()
    {
        return QUrl(QStringLiteral("https://api.applicationinsights.io"));
    }
    // The Azure CLI's public client id: what a device code sign-in uses when the file names no client.
    static QString azureCliClientId() { return QStringLiteral("04b07795-8ddb-461a-bbee-02f9e1bf7b46"); }
};

} // namespace Opsdeck
