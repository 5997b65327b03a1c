#include "testsource.h"

#include <QThread>
#include <QTimer>

using namespace Opsdeck;

TestSource::TestSource() = default;
TestSource::~TestSource() = default;

Result<void> TestSource::applyConfig(const SourceConfig &config)
{
    bool ok = true;
    if (config.settings.contains(QStringLiteral("intervalMs"))) {
        m_intervalMs = config.settings.value(QStringLiteral("intervalMs")).toInt(&ok);
        if (!ok || m_intervalMs <= 0)
            return makeError(ErrorKind::Config, QStringLiteral("test source '%1': intervalMs must be a positive integer").arg(config.id));
    }
    if (config.settings.contains(QStringLiteral("batches"))) {
        m_batches = config.settings.value(QStringLiteral("batches")).toInt(&ok);
        if (!ok || m_batches < 1)
            return makeError(ErrorKind::Config, QStringLiteral("test source '%1': batches must be at least 1").arg(config.id));
    }
    m_context = config.settings.value(QStringLiteral("context"), m_context).toString();
    return {};
}

void TestSource::start()
{
    // Created here so the timer belongs to the source's thread (SourceHost calls start() there).
    m_timer = new QTimer(this);
    m_timer->setInterval(m_intervalMs);
    connect(m_timer, &QTimer::timeout, this, &TestSource::tick);
    setStatus(SourceStatus::State::Connecting);
    m_timer->start();
}

void TestSource::stop()
{
    if (m_timer)
        m_timer->stop();
    setStatus(SourceStatus::State::Down,
              Error{ErrorKind::Network, QStringLiteral("test source stopped"), {}, std::nullopt});
}

void TestSource::refresh()
{
    publish({podAdded()});
}

void TestSource::setOption(const QString &name, const QVariant &value)
{
    if (name == QLatin1String("podPrefix"))
        m_podPrefix = value.toString();
}

void TestSource::tick()
{
    std::vector<Observation> observations;
    observations.emplace_back(podAdded());
    if (m_sent >= m_batches) {
        observations.emplace_back(ResourceDelta{ResourceDelta::Type::Synced,
                                                ResourceKey{m_context, ResourceKind::Pod, {}, {}}, {}});
        m_timer->stop();
    }
    setStatus(SourceStatus::State::Ok);
    publish(std::move(observations));
}

ResourceDelta TestSource::podAdded()
{
    ++m_sent;
    PodInfo pod;
    pod.name = m_podPrefix + QString::number(m_sent);
    pod.ns = QStringLiteral("default");
    pod.app = QStringLiteral("test");
    pod.track = Track::Stable;
    pod.phase = QStringLiteral("Running");
    pod.ready = true;
    pod.node = QThread::currentThread()->objectName();
    pod.startTime = QDateTime::currentDateTimeUtc();
    return ResourceDelta{ResourceDelta::Type::Added, ResourceKey{m_context, ResourceKind::Pod, pod.ns, pod.name}, pod};
}
