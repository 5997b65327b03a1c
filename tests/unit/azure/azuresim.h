#pragma once

// A real opsdeck-sim for the Azure tests: started on a free loopback port with --write-azure-config and
// --write-kubeconfig, its admin token read from the kubeconfig for the test hooks (device code approval).
// A missing sim fails the test (never skips).

#include "azure/azureconfig.h"
#include "kubeconfigloader.h"
#include "simprocess.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QSslConfiguration>
#include <QTemporaryDir>
#include <QTest>

class AzureSim
{
public:
    QTemporaryDir dir;
    SimProcess process{QStringLiteral(OPSDECK_SIM_PATH), dir.path()};
    QString configPath;
    Opsdeck::AzureConfig config;
    Opsdeck::ClusterConnection admin;
    QSslConfiguration ssl;
    QNetworkAccessManager net;

    // QVERIFY-style: call with QVERIFY(sim.start()).
    bool start()
    {
        if (!QFile::exists(QStringLiteral(OPSDECK_SIM_PATH))) {
            qWarning("opsdeck-sim not built: %s", OPSDECK_SIM_PATH);
            return false;
        }
        if (!process.start({.speed = 1, .readyTimeoutMs = 30000})) {
            qWarning("%s", qPrintable(process.errorString()));
            return false;
        }
        configPath = process.azureConfigPath();
        const QString kubeconfig = process.kubeconfigPath();
        auto loaded = Opsdeck::AzureConfig::load(configPath);
        if (!loaded) {
            qWarning("%s", qPrintable(toString(loaded.error())));
            return false;
        }
        config = *loaded;
        auto kube = Opsdeck::KubeconfigLoader::load(kubeconfig, {}, {});
        if (!kube)
            return false;
        auto connection = kube->resolve(QStringLiteral("opsdeck-sim"));
        if (!connection)
            return false;
        admin = *connection;
        auto adminSsl = admin.sslConfiguration();
        if (!adminSsl)
            return false;
        ssl = *adminSsl;
        return true;
    }

    // One request to the sim; returns (status, body).
    QPair<int, QByteArray> call(const QByteArray &verb, const QString &path, const QByteArray &body,
                                const QByteArray &bearer, const QByteArray &contentType = "application/json")
    {
        QUrl url = admin.server;
        url.setPath(path);
        QNetworkRequest request(url);
        request.setSslConfiguration(ssl);
        request.setRawHeader("Authorization", "Bearer " + bearer);
        if (!body.isEmpty())
            request.setRawHeader("Content-Type", contentType);
        QNetworkReply *reply = net.sendCustomRequest(request, verb, body);
        QSignalSpy finished(reply, &QNetworkReply::finished);
        if (!reply->isFinished())
            finished.wait(20000);
        reply->deleteLater();
        return { reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), reply->readAll() };
    }

    // The sim's test hook: approve (or decline) a pending device code as the signed-in user would.
    int approve(const QString &userCode, bool decline = false)
    {
        const QJsonObject body { { QStringLiteral("userCode"), userCode },
                                 { QStringLiteral("decline"), decline } };
        return call("POST", QStringLiteral("/_opsdeck/azure/devicecode/approve"),
                    QJsonDocument(body).toJson(), admin.token.toUtf8())
            .first;
    }

    // A workspace query with `token`: the status the query API answers.
    int query(const QByteArray &token)
    {
        const QJsonObject body { { QStringLiteral("query"), QStringLiteral("AppRequests | take 1") },
                                 { QStringLiteral("timespan"), QStringLiteral("PT1H") } };
        return call("POST", QStringLiteral("/v1/workspaces/%1/query").arg(config.workspaceId),
                    QJsonDocument(body).toJson(), token)
            .first;
    }
};
