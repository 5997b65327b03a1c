#include "azuresqlsource.h"

#include "azuresqllogging.h"
#include "sqlarmclient.h"
#include "sqldatabaseparser.h"

using namespace Opsdeck;

namespace {

int intSetting(const QVariantMap &settings, const QString &key, int fallback, int minimum, bool *ok)
{
    if (!settings.contains(key))
        return fallback;
    bool valid = false;
    const int value = settings.value(key).toInt(&valid);
    if (!valid || value < minimum)
        *ok = false;
    return value;
}

} // namespace

AzureSqlSource::AzureSqlSource() = default;

AzureSqlSource::~AzureSqlSource() = default;

Result<void> AzureSqlSource::applyConfig(const SourceConfig &config)
{
    const QVariantMap &s = config.settings;
    Result<AzureConfig> azure = AzureConfig::fromSettings(s);
    if (!azure)
        return tl::unexpected(azure.error());
    m_config = *azure;
    if (m_config.subscriptionId.isEmpty() || m_config.resourceGroup.isEmpty())
        return makeError(
            ErrorKind::Config,
            QStringLiteral("azuresql: the Azure config names no subscriptionId or resourceGroup"),
            QStringLiteral("Add subscriptionId and resourceGroup (where the SQL server is) to the "
                           "--azure-config file."));
    m_sqlServer = s.value(QStringLiteral("sqlServer")).toString().trimmed();
    bool ok = true;
    m_pollSeconds = intSetting(s, QStringLiteral("pollSeconds"), m_pollSeconds, 1, &ok);
    m_requestTimeoutMs = intSetting(s, QStringLiteral("requestTimeoutMs"), m_requestTimeoutMs, 1, &ok);
    m_maxThrottleWaitSeconds
        = intSetting(s, QStringLiteral("maxThrottleWaitSeconds"), m_maxThrottleWaitSeconds, 0, &ok);
    if (!ok)
        return makeError(
            ErrorKind::Config,
            QStringLiteral("azuresql: pollSeconds and requestTimeoutMs must be positive whole numbers, "
                           "maxThrottleWaitSeconds zero or more"));
    return {};
}

void AzureSqlSource::start()
{
    m_stopped = false;
    m_client = new SqlArmClient(m_config, this);
    m_client->setRequestTimeoutMs(m_requestTimeoutMs);
    m_client->setMaxThrottleWaitSeconds(m_maxThrottleWaitSeconds);
    m_timer = new QTimer(this);
    m_timer->setSingleShot(true);
    connect(m_timer, &QTimer::timeout, this, &AzureSqlSource::poll);
    poll();
}

void AzureSqlSource::stop()
{
    m_stopped = true;
    if (m_timer)
        m_timer->stop();
    // Answers still in flight find their context gone and are dropped.
    delete m_client;
    m_client = nullptr;
    m_running = false;
}

void AzureSqlSource::refresh()
{
    poll();
}

void AzureSqlSource::poll()
{
    if (m_stopped || !m_client)
        return;
    if (m_running) {
        m_pending = true;
        return;
    }
    m_running = true;
    m_timer->stop();
    m_lists.clear();
    m_pollError.reset();
    m_failedServers = 0;
    if (!m_sqlServer.isEmpty()) {
        m_servers = { m_sqlServer };
        readServer(0);
        return;
    }
    const QString path = QStringLiteral("/subscriptions/%1/resourceGroups/%2/providers/Microsoft.Sql/servers")
                             .arg(m_config.subscriptionId, m_config.resourceGroup);
    SqlArmClient *client = m_client;
    m_client->getAll(
        path, QStringLiteral("listing the SQL servers of resource group %1").arg(m_config.resourceGroup),
        client, [this](Result<QJsonArray> servers) {
            if (!servers) {
                m_pollError = explained(servers.error());
                m_failedServers = 1;
                finishPoll();
                return;
            }
            m_servers.clear();
            for (const QJsonValue &server : *servers) {
                const QString name = server.toObject().value(u"name").toString();
                if (!name.isEmpty())
                    m_servers.append(name);
            }
            // A server deleted from the resource group takes its databases with it: an empty list replaces
            // them.
            const QDateTime now = QDateTime::currentDateTimeUtc();
            for (const QString &gone : std::as_const(m_published))
                if (!m_servers.contains(gone))
                    m_lists.emplace_back(SqlDatabaseList { gone, {}, now });
            m_published = m_servers;
            readServer(0);
        });
}

void AzureSqlSource::readServer(int index)
{
    if (index >= m_servers.size()) {
        finishPoll();
        return;
    }
    const QString server = m_servers.at(index);
    SqlArmClient *client = m_client;
    m_client->getAll(client->serverPath(server) + QStringLiteral("/databases"),
                     QStringLiteral("listing the databases of SQL server %1").arg(server), client,
                     [this, server, index](Result<QJsonArray> databases) {
                         if (!databases) {
                             ++m_failedServers;
                             m_pollError = explained(databases.error());
                             qCWarning(lcAzureSql).noquote() << toString(*m_pollError);
                             readServer(index + 1);
                             return;
                         }
                         SqlDatabaseList list;
                         list.server = server;
                         list.fetchedAt = QDateTime::currentDateTimeUtc();
                         for (const QJsonValue &value : *databases) {
                             Result<SqlDatabase> database = parseSqlDatabase(value.toObject());
                             if (!database) {
                                 // One unreadable database does not hide the others.
                                 qCWarning(lcAzureSql).noquote() << database.error().message;
                                 m_pollError = database.error();
                                 continue;
                             }
                             if (database->server.isEmpty())
                                 database->server = server;
                             list.databases.append(*database);
                         }
                         m_lists.emplace_back(std::move(list));
                         readServer(index + 1);
                     });
}

void AzureSqlSource::finishPoll()
{
    m_running = false;
    ++m_polls;
    if (!m_lists.empty()) {
        m_haveData = true;
        publish(std::move(m_lists));
        m_lists.clear();
    }
    std::chrono::milliseconds next = std::chrono::seconds(m_pollSeconds);
    if (!m_pollError) {
        setStatus(SourceStatus::State::Ok);
    } else {
        // The last databases stay in the stores: Degraded while there are some, Down before any arrived.
        setStatus(m_haveData ? SourceStatus::State::Degraded : SourceStatus::State::Down, m_pollError);
        if (m_pollError->retryAfter)
            next = qMax<std::chrono::milliseconds>(next, *m_pollError->retryAfter);
    }
    Q_EMIT pollFinished();
    if (m_stopped)
        return;
    if (m_pending) {
        m_pending = false;
        poll();
        return;
    }
    scheduleNext(next);
}

void AzureSqlSource::scheduleNext(std::chrono::milliseconds delay)
{
    m_timer->start(delay);
}

Error AzureSqlSource::explained(Error error) const
{
    switch (error.kind) {
    case ErrorKind::Unauthorized:
        if (error.message.contains(QLatin1String(SqlArmClient::NoTokenPrefix)))
            break; // Entra ID's own hint says what is wrong with the credentials
        error.hint = QStringLiteral(
            "Azure Resource Manager refused the credentials: check tenantId, clientId and the "
            "secret in the Azure config, or sign in again.");
        break;
    case ErrorKind::Forbidden:
        error.hint = QStringLiteral(
                         "The identity may not read Microsoft.Sql in resource group %1: ask for the Reader "
                         "role there (SQL DB Contributor to restore).")
                         .arg(m_config.resourceGroup);
        break;
    case ErrorKind::Throttled:
        error.hint = error.retryAfter
            ? QStringLiteral(
                  "Azure Resource Manager is throttling requests; Opsdeck asks again in %1 s and shows "
                  "the last databases until then.")
                  .arg(qMax<qint64>(error.retryAfter->count(), m_pollSeconds))
            : QStringLiteral(
                "Azure Resource Manager is throttling requests; Opsdeck asks again at the next poll "
                "and shows the last databases until then.");
        break;
    case ErrorKind::Timeout:
        error.hint
            = QStringLiteral("Azure Resource Manager did not answer in time; Opsdeck asks again in %1 s and "
                             "shows the last databases until then.")
                  .arg(m_pollSeconds);
        break;
    case ErrorKind::NotFound:
        error.hint = QStringLiteral("Check subscriptionId, resourceGroup and sqlServer in the Azure config.");
        break;
    default:
        break;
    }
    return error;
}
