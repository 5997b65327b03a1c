#pragma once

// A data source: one plugin-made object that watches or polls one system (a cluster, an App Insights
// workspace, …) and reports what it sees as observation batches. SourceHost moves it onto its own thread
// and calls start()/stop() there; it creates its network managers in start() (DESIGN §2, §12).

#include "error.h"
#include "observation.h"
#include "sourceconfig.h"
#include "sourcestatus.h"

#include <QObject>
#include <QVariant>

namespace Opsdeck {

class DataSource : public QObject
{
    Q_OBJECT

public:
    explicit DataSource(QObject *parent = nullptr);
    ~DataSource() override;

    // Called once, on the creating thread, before start(). Remembers the id, then lets the source check
    // its settings: a bad setting is an Error{Config}, and the source is not started.
    Result<void> configure(const SourceConfig &config);

    QString sourceId() const { return m_sourceId; }
    SourceStatus status() const { return m_status; }

public Q_SLOTS:
    // Run on the source's own thread (SourceHost invokes them there).
    virtual void start() = 0;
    virtual void stop() = 0;
    // Fetch now instead of at the next interval (a "Refresh" button). Sources that only watch ignore it.
    virtual void refresh();
    // A setting people change while the source runs, e.g. "window" = "PT1H" for telemetry. Unknown names
    // are ignored; a bad value is reported through statusChanged, never by stopping.
    virtual void setOption(const QString &name, const QVariant &value);

Q_SIGNALS:
    void observationsReady(const Opsdeck::ObservationBatch &batch);
    void statusChanged(const Opsdeck::SourceStatus &status);

protected:
    virtual Result<void> applyConfig(const SourceConfig &config) = 0;

    // Stamps source id and time and emits observationsReady. Empty lists are not sent.
    void publish(std::vector<Observation> observations);
    // Emits statusChanged when the state or error changes; lastSuccess is kept up to date.
    void setStatus(SourceStatus::State state, std::optional<Error> error = std::nullopt);

private:
    QString m_sourceId;
    SourceStatus m_status;
};

} // namespace Opsdeck
