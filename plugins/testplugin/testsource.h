#pragma once

// A data source that needs no server: every `intervalMs` it publishes one batch with an Added pod
// ("test-pod-<n>", its node naming the worker thread's objectName), `batches` times, then a Synced
// delta. Settings: intervalMs (default 50, > 0), batches (default 3, >= 1), context (default "test").
// refresh() publishes one more pod at once; setOption("podPrefix", text) renames the pods to come.

#include "datasource.h"

class QTimer;

class TestSource final : public Opsdeck::DataSource
{
    Q_OBJECT

public:
    TestSource();
    ~TestSource() override;

public Q_SLOTS:
    void start() override;
    void stop() override;
    void refresh() override;
    void setOption(const QString &name, const QVariant &value) override;

protected:
    Opsdeck::Result<void> applyConfig(const Opsdeck::SourceConfig &config) override;

private:
    void tick();
    Opsdeck::ResourceDelta podAdded();

    int m_intervalMs = 50;
    int m_batches = 3;
    QString m_context = QStringLiteral("test");
    int m_sent = 0;
    QString m_podPrefix = QStringLiteral("test-pod-");
    QTimer *m_timer = nullptr; // created in start(), on the source's thread
};
