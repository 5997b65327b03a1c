#pragma once

// A real opsdeck-sim for the Azure tests: started on a free loopback port with --write-azure-config and
// --write-kubeconfig, its admin token read from the kubeconfig for the test hooks (device code approval).
// A missing sim fails the test (never skips).

#include "azure/azureconfig.h"
#include "kubeconfigloader.h"

#include <QDeadlineTimer>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QSignalSpy>
#include <QSslConfiguration>
#include <QTemporaryDir>
#include <QTest>

class AzureSim
{
public:
    QTemporaryDir dir;
    QProcess process;
    QString configPath;
    Opsdeck::AzureConfig config;
    Opsdeck::ClusterConnection admin;
    QSslConfiguration ssl;
    QNetworkAccessManager net;

    ~AzureSim()
    {
        if (process.state() != QProcess::NotRunning) {
            process.terminate();
            if (!process.waitForFinished(5000))
                process.kill();
            process.waitForFinished(5000);
        }
    }

    // QVERIFY-style: call with QVERIFY(sim.start()).
    bool start()
    {
        if (!QFile::exists(QStringLiteral(OPSDECK_SIM_PATH))) {
            qWarning("opsdeck-sim not built: %s", OPSDECK_SIM_PATH);
            return false;
        }
        configPath = dir.filePath(QStringLiteral("azure.json"));
        const QString kubeconfig = dir.filePath(QStringLiteral("kubeconfig"));
        process.setProgram(QStringLiteral(OPSDECK_SIM_PATH));
        process.setArguments({ QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"),
                               QStringLiteral("--write-kubeconfig"), kubeconfig,
                               QStringLiteral("--write-azure-config"), configPath });
        process.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        process.start();
        if (!process.waitForStarted(10000))
            return false;
        QByteArray out;
        QDeadlineTimer deadline(30000);
        while (!out.contains("opsdeck-sim ready") && !deadline.hasExpired()) {
            process.waitForReadyRead(200);
            out += process.readAllStandardOutput();
        }
        if (!out.contains("opsdeck-sim ready"))
            return false;
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
