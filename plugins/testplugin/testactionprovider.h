#pragma once

// An ActionProvider that needs no server, for the UI and command-line tests: a small simulated estate
// (per service: canary weight, replicas per track, revision, an object version) that the six Kubernetes
// actions change step by step on a timer. Like the real provider it checks permission at preview (a
// context whose name contains "viewer" may do nothing), validates values, carries the version it
// previewed and answers 409 when the object changed since (externalChange()). Settings (SourceConfig):
// context, stepMs (default 30), stateFile (else OPSDECK_TEST_ACTIONS_STATE; JSON, so separate
// `opsdeck act` runs see each other's changes), failAction (an action id whose second step fails).

#include "actionprovider.h"

#include <QHash>
#include <QJsonObject>

class QTimer;

class TestActionProvider final : public Opsdeck::ActionProvider
{
    Q_OBJECT

public:
    struct ServiceState
    {
        int weight = 10;
        int stableReplicas = 2;
        int canaryReplicas = 1;
        int revision = 3;
        QString stableImage = QStringLiteral("productservice:1.4.0");
        QString canaryImage = QStringLiteral("productservice:1.5.0");
        QString restartedAt;
        int version = 1; // bumped by every change: the resourceVersion a patch carries
    };

    explicit TestActionProvider(const Opsdeck::SourceConfig &config, QObject *parent = nullptr);
    ~TestActionProvider() override;

    QList<Opsdeck::ActionDescriptor> actionsFor(const Opsdeck::ServiceKey &service) const override;

    ServiceState state(const QString &service) const;
    // Someone else changes the canary weight (kubectl, another Opsdeck): the next patch gets a 409.
    void externalChange(const QString &service, int weight);

public Q_SLOTS:
    void preview(const Opsdeck::ActionRequest &request) override;
    void execute(const Opsdeck::ActionRequest &request) override;
    void resume(const Opsdeck::OperationStatus &status) override;
    // Revisions 1…state.revision of the track, newest first, the last one current (as the kubernetes
    // provider answers).
    void requestRevisionHistory(const Opsdeck::ServiceKey &service, const QString &track);

Q_SIGNALS:
    void revisionHistoryReady(const Opsdeck::ServiceKey &service, const QString &track, const QVariantList &revisions);

private:
    struct Planned
    {
        QList<Opsdeck::ActionChange> changes;
        QList<Opsdeck::ActionStep> steps;
        QStringList warnings;
        bool destructive = false;
        std::optional<Opsdeck::Error> invalid;
    };
    struct Running
    {
        Opsdeck::ActionRequest request;
        Opsdeck::OperationStatus status;
        int next = 0;
    };

    Planned plan(const Opsdeck::ActionRequest &request) const;
    bool denied() const;
    void runNextStep(const QUuid &id);
    void applyStep(const Opsdeck::ActionRequest &request, int step, ServiceState &state) const;
    void load();
    void save() const;

    QString m_context;
    QString m_stateFile;
    QString m_failAction;
    int m_stepMs = 30;
    mutable QHash<QString, ServiceState> m_states;
    QHash<QUuid, int> m_previewedVersion;
    QHash<QUuid, Running> m_running;
};
