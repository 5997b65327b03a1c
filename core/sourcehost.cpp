#include "sourcehost.h"

#include "logging.h"

#include <QDeadlineTimer>
#include <QThread>

namespace Opsdeck {

namespace {
// A source that ignores stop() for this long is leaked rather than the app hung or crashed.
constexpr int StopTimeoutMs = 15000;
}

SourceHost::SourceHost(QObject *parent)
    : QObject(parent)
{
    registerObservationMetaTypes();
}

SourceHost::~SourceHost()
{
    stopAll();
    for (Entry &entry : m_entries)
        delete entry.source; // never started: still ours, on this thread
}

Result<void> SourceHost::add(std::unique_ptr<DataSource> source)
{
    Q_ASSERT(source);
    const QString id = source->sourceId();
    if (id.isEmpty())
        return makeError(ErrorKind::Config, QStringLiteral("data source was not configured (no id)"));
    for (const Entry &entry : m_entries) {
        if (entry.id == id)
            return makeError(ErrorKind::Config, QStringLiteral("a data source with id '%1' runs already").arg(id));
    }
    if (source->parent())
        return makeError(ErrorKind::Invalid, QStringLiteral("data source '%1' has a parent; it cannot move to its own thread").arg(id));

    DataSource *raw = source.release();
    // Auto connections: the source emits on its worker thread, so these are queued onto ours.
    connect(raw, &DataSource::observationsReady, this, &SourceHost::observationsReady);
    connect(raw, &DataSource::statusChanged, this,
            [this, id](const SourceStatus &status) { Q_EMIT statusChanged(id, status); });
    m_entries.push_back(Entry{id, raw, nullptr});
    if (m_running)
        startEntry(m_entries.back());
    return {};
}

void SourceHost::startAll()
{
    m_running = true;
    for (Entry &entry : m_entries)
        startEntry(entry);
}

void SourceHost::stopAll()
{
    for (auto it = m_entries.rbegin(); it != m_entries.rend(); ++it)
        stopEntry(*it);
    std::erase_if(m_entries, [](const Entry &entry) { return entry.source == nullptr; });
    m_running = false;
}

bool SourceHost::remove(const QString &sourceId)
{
    Entry *entry = find(sourceId);
    if (!entry)
        return false;
    if (entry->thread)
        stopEntry(*entry);
    else
        delete entry->source;
    std::erase_if(m_entries, [&sourceId](const Entry &e) { return e.id == sourceId; });
    return true;
}

bool SourceHost::refresh(const QString &sourceId)
{
    Entry *entry = find(sourceId);
    if (!entry || !entry->source)
        return false;
    QMetaObject::invokeMethod(entry->source, &DataSource::refresh, Qt::QueuedConnection);
    return true;
}

bool SourceHost::setOption(const QString &sourceId, const QString &name, const QVariant &value)
{
    Entry *entry = find(sourceId);
    if (!entry || !entry->source)
        return false;
    QMetaObject::invokeMethod(
        entry->source, [source = entry->source, name, value] { source->setOption(name, value); }, Qt::QueuedConnection);
    return true;
}

SourceHost::Entry *SourceHost::find(const QString &sourceId)
{
    for (Entry &entry : m_entries) {
        if (entry.id == sourceId)
            return &entry;
    }
    return nullptr;
}

QStringList SourceHost::sourceIds() const
{
    QStringList ids;
    for (const Entry &entry : m_entries)
        ids << entry.id;
    return ids;
}

void SourceHost::startEntry(Entry &entry)
{
    if (entry.thread)
        return;
    entry.thread = new QThread(this);
    entry.thread->setObjectName(QStringLiteral("source:") + entry.id);
    entry.source->moveToThread(entry.thread);
    entry.thread->start();
    QMetaObject::invokeMethod(entry.source, &DataSource::start, Qt::QueuedConnection);
}

void SourceHost::stopEntry(Entry &entry)
{
    if (!entry.thread)
        return;
    // Runs on the worker: stop, then delete there (its network managers belong to that thread). The
    // deferred delete is processed when the thread's loop ends, after this event (QThread's finish).
    QMetaObject::invokeMethod(
        entry.source,
        [source = entry.source] {
            source->stop();
            source->deleteLater();
            QThread::currentThread()->quit();
        },
        Qt::QueuedConnection);
    if (!entry.thread->wait(QDeadlineTimer(StopTimeoutMs))) {
        qCWarning(lcCore) << "data source" << entry.id << "did not stop within" << StopTimeoutMs
                          << "ms; leaving its thread behind";
        entry.thread->setParent(nullptr); // a running QThread must not be deleted
    } else {
        delete entry.thread;
    }
    entry.thread = nullptr;
    entry.source = nullptr;
}

} // namespace Opsdeck
