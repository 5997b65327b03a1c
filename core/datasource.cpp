#include "datasource.h"

namespace Opsdeck {

DataSource::DataSource(QObject *parent)
    : QObject(parent)
{
}

DataSource::~DataSource() = default;

void DataSource::refresh() {}

void DataSource::setOption(const QString &name, const QVariant &value)
{
    Q_UNUSED(name)
    Q_UNUSED(value)
}

Result<void> DataSource::configure(const SourceConfig &config)
{
    if (config.id.isEmpty())
        return makeError(ErrorKind::Config, QStringLiteral("data source configuration has no id"));
    m_sourceId = config.id;
    return applyConfig(config);
}

void DataSource::publish(std::vector<Observation> observations)
{
    if (observations.empty())
        return;
    ObservationBatch batch;
    batch.sourceId = m_sourceId;
    batch.producedAt = QDateTime::currentDateTimeUtc();
    batch.observations = std::move(observations);
    Q_EMIT observationsReady(batch);
}

void DataSource::setStatus(SourceStatus::State state, std::optional<Error> error)
{
    SourceStatus next = m_status;
    next.state = state;
    next.error = std::move(error);
    if (state == SourceStatus::State::Ok)
        next.lastSuccess = QDateTime::currentDateTimeUtc();
    const bool changed = next.state != m_status.state || next.error != m_status.error;
    m_status = next;
    if (changed)
        Q_EMIT statusChanged(m_status);
}

} // namespace Opsdeck
