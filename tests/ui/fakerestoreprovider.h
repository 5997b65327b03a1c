#pragma once

// A `restore-db` ActionProvider for the UI tests, driven step by step by the test (advance()): the
// preview lists the changes and the planned steps as the runbook's contract says (core/restorerunbook.h),
// execution walks restore (percent 0 → 35 → 70 → 100) → repoint (when asked) → restart → verify, and can
// fail at a chosen step with a message, a hint and markup in the server's words (which must show as
// plain text). A preview can be refused (previewError) as the real one refuses a name that exists.

#include "actionprovider.h"

#include <QTimer>

#include <optional>

class FakeRestoreProvider final : public Opsdeck::ActionProvider
{
    Q_OBJECT

public:
    explicit FakeRestoreProvider(QObject *parent = nullptr)
        : Opsdeck::ActionProvider(parent)
    { }

    int failAtStep = -1; // index into the steps; -1: all succeed
    std::optional<Opsdeck::Error> previewError;
    QList<Opsdeck::ActionRequest> previews; // every preview request, in order
    QList<Opsdeck::ActionRequest> executions;

    QList<Opsdeck::ActionDescriptor> actionsFor(const Opsdeck::ServiceKey &) const override
    {
        return { Opsdeck::ActionDescriptor {
            QStringLiteral("restore-db"),
            QStringLiteral("Restore to a point in time"),
            QStringLiteral("Point-in-time restore of the service's database"),
            true,
            true,
            {} } };
    }

    static QList<Opsdeck::ActionStep> stepsFor(const Opsdeck::ActionRequest &request)
    {
        const QVariantMap p = request.parameters;
        const QString db = p.value(QStringLiteral("database")).toString();
        const QString point = p.value(QStringLiteral("pointInTime")).toString();
        const QString name = p.value(QStringLiteral("newName")).toString();
        const QString service = request.service.name;
        QList<Opsdeck::ActionStep> steps;
        steps << step(QStringLiteral("Restore %1 to %2 as %3").arg(db, point, name));
        if (p.value(QStringLiteral("repoint")).toBool())
            steps << step(QStringLiteral("Point %1-db at %2").arg(service, name));
        steps << step(QStringLiteral("Restart %1 (stable, canary)").arg(service));
        steps << step(QStringLiteral("Verify pods Ready and /health Healthy"));
        return steps;
    }

    // One event of the running operation; false when nothing runs.
    bool advance()
    {
        if (!m_status)
            return false;
        Opsdeck::OperationStatus &s = *m_status;
        Opsdeck::ActionStep &current = s.steps[m_step];
        const QDateTime now = QDateTime::currentDateTimeUtc();
        s.updated = now;
        if (current.state == Opsdeck::ActionStep::State::Pending) {
            current.state = Opsdeck::ActionStep::State::Running;
            current.started = now;
            s.message
                = m_step == 0 ? QStringLiteral("PUT accepted, polling Azure-AsyncOperation") : current.title;
        } else if (m_step == 0 && m_lro < 100 && m_step != failAtStep) {
            m_lro = std::min(100, m_lro + 35);
            s.percent = m_lro * 70 / 100;
            s.message = QStringLiteral("Azure-AsyncOperation: <b>InProgress</b> %1 %").arg(m_lro);
            current.response = QStringLiteral("InProgress %1 %").arg(m_lro);
        } else if (m_step == failAtStep) {
            current.state = Opsdeck::ActionStep::State::Failed;
            current.finished = now;
            current.httpStatus = m_step == 0 ? 200 : 0;
            current.response = QStringLiteral("<i>pods Ready 0/2</i>, /health Unhealthy");
            s.state = Opsdeck::OperationStatus::State::Failed;
            s.error = Opsdeck::Error {
                Opsdeck::ErrorKind::Timeout,
                QStringLiteral("%1 is not healthy after 300 s: <b>Login failed</b> for the database")
                    .arg(s.service.name),
                QStringLiteral(
                    "Check Secret %1-db's connection string; the restored database stays for a retry")
                    .arg(s.service.name),
                std::nullopt
            };
            s.message = s.error->message;
            finish();
            return true;
        } else {
            current.state = Opsdeck::ActionStep::State::Succeeded;
            current.finished = now;
            current.httpStatus = m_step == 0 ? 200 : 0;
            current.response
                = m_step == 0 ? QStringLiteral("Succeeded; database Online") : QStringLiteral("ok");
            ++m_step;
            s.percent = 70 + 30 * m_step / int(s.steps.size());
            if (m_step == s.steps.size()) {
                s.state = Opsdeck::OperationStatus::State::Succeeded;
                s.percent = 100;
                s.message = QStringLiteral("%1 is healthy on %2")
                                .arg(s.service.name,
                                     s.parameters.value(QStringLiteral("restoredDatabase")).toString());
                finish();
                return true;
            }
        }
        Q_EMIT operationChanged(s);
        return true;
    }

    // Advances until the operation is final.
    void runToEnd()
    {
        while (advance()) { }
    }

    bool isRunning() const { return m_status.has_value(); }

public Q_SLOTS:
    void preview(const Opsdeck::ActionRequest &request) override
    {
        previews << request;
        if (previewError) {
            Q_EMIT failed(request.id, *previewError);
            return;
        }
        const QVariantMap p = request.parameters;
        const QString db = p.value(QStringLiteral("database")).toString();
        const QString name = p.value(QStringLiteral("newName")).toString();
        const QString service = request.service.name;
        Opsdeck::ActionPreview preview;
        preview.requestId = request.id;
        preview.allowed = true;
        preview.destructive = true;
        preview.changes << Opsdeck::ActionChange {
            QStringLiteral("Database"), name, QStringLiteral("createMode"), QString(),
            QStringLiteral("PointInTimeRestore of %1 at %2")
                .arg(db, p.value(QStringLiteral("pointInTime")).toString())
        };
        if (p.value(QStringLiteral("repoint")).toBool())
            preview.changes << Opsdeck::ActionChange {
                QStringLiteral("Secret"), service + QStringLiteral("-db"),
                QStringLiteral("data.connectionString"),
                QStringLiteral("…Initial Catalog=%1;Password=********").arg(db),
                QStringLiteral("…Initial Catalog=%1;Password=********").arg(name)
            };
        preview.changes << Opsdeck::ActionChange { QStringLiteral("Deployment"), service,
                                                   QStringLiteral("restartedAt"), QString(),
                                                   QStringLiteral("(now)") };
        preview.steps = stepsFor(request);
        Q_EMIT previewReady(preview);
    }

    void execute(const Opsdeck::ActionRequest &request) override
    {
        executions << request;
        Opsdeck::OperationStatus s;
        s.requestId = request.id;
        s.actionId = request.actionId;
        s.service = request.service;
        s.state = Opsdeck::OperationStatus::State::Running;
        s.percent = 0;
        s.started = QDateTime::currentDateTimeUtc();
        s.updated = s.started;
        s.steps = stepsFor(request);
        s.track = request.track;
        s.parameters = request.parameters;
        s.parameters.insert(QStringLiteral("restoredDatabase"),
                            request.parameters.value(QStringLiteral("newName")));
        s.message = QStringLiteral("starting");
        m_status = s;
        m_step = 0;
        m_lro = 0;
        Q_EMIT operationChanged(s);
    }

private:
    static Opsdeck::ActionStep step(const QString &title)
    {
        Opsdeck::ActionStep s;
        s.title = title;
        s.destructive = false;
        return s;
    }

    void finish()
    {
        const Opsdeck::OperationStatus final = *m_status;
        m_status.reset();
        Q_EMIT operationChanged(final);
    }

    std::optional<Opsdeck::OperationStatus> m_status;
    int m_step = 0;
    int m_lro = 0;
};
