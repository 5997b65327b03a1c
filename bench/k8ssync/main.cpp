// opsdeck-bench-k8s-sync: how long Opsdeck's headless Kubernetes sync takes from process start until the
// models are ready — the kubernetes plugin loaded through PluginLoader, run under SourceHost, feeding a
// ServiceStore; ready = every watched kind reported Synced and the store flushed with all its pods. Prints
// figures as it goes and ends with one key=value line (bench/README.md). Not a test; bench/k8s-sync runs it.

#include "observation.h"
#include "pluginloader.h"
#include "servicestore.h"
#include "sourcehost.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QTimer>

#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <cstdio>

using namespace Opsdeck;

namespace {

// Seconds since the kernel started this process (/proc/self/stat starttime, clock ticks since boot), so
// dynamic loading and static initialisation count as they do in kubectl's wall time. 10 ms resolution.
double secondsSinceProcessStart()
{
    QFile stat(QStringLiteral("/proc/self/stat"));
    if (!stat.open(QIODevice::ReadOnly))
        return -1;
    const QByteArray line = stat.readAll();
    // Fields after the command name (which may hold spaces) start after the last ')'; starttime is field 22.
    const QList<QByteArray> fields = line.mid(line.lastIndexOf(')') + 2).split(' ');
    if (fields.size() < 20)
        return -1;
    const double started = fields.at(19).toDouble() / double(sysconf(_SC_CLK_TCK));
    timespec now{};
    clock_gettime(CLOCK_BOOTTIME, &now);
    return double(now.tv_sec) + double(now.tv_nsec) / 1e9 - started;
}

// Peak resident set size in MiB (VmHWM), the figure /usr/bin/time's %M reports for kubectl.
double peakRssMb()
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (status.open(QIODevice::ReadOnly)) {
        for (const QByteArray &line : status.readAll().split('\n')) {
            if (line.startsWith("VmHWM:"))
                return line.mid(6).trimmed().split(' ').value(0).toDouble() / 1024.0;
        }
    }
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return double(usage.ru_maxrss) / 1024.0;
}

double cpuSeconds(clockid_t clock)
{
    timespec t{};
    clock_gettime(clock, &t);
    return double(t.tv_sec) + double(t.tv_nsec) / 1e9;
}

std::optional<ResourceKind> kindOfPlural(const QString &plural)
{
    static const QHash<QString, ResourceKind> kinds{
        {QStringLiteral("pods"), ResourceKind::Pod},
        {QStringLiteral("deployments"), ResourceKind::Deployment},
        {QStringLiteral("replicasets"), ResourceKind::ReplicaSet},
        {QStringLiteral("horizontalpodautoscalers"), ResourceKind::HorizontalPodAutoscaler},
        {QStringLiteral("ingresses"), ResourceKind::Ingress},
        {QStringLiteral("httproutes"), ResourceKind::HttpRoute},
        {QStringLiteral("services"), ResourceKind::Service},
        {QStringLiteral("events"), ResourceKind::Event},
    };
    const auto it = kinds.constFind(plural);
    return it == kinds.constEnd() ? std::nullopt : std::optional(*it);
}

void say(const QString &line)
{
    std::fprintf(stdout, "k8s-sync: %s\n", qPrintable(line));
    std::fflush(stdout);
}

int fail(const QString &line)
{
    std::fprintf(stderr, "k8s-sync: %s\n", qPrintable(line));
    return 1;
}

} // namespace

int main(int argc, char *argv[])
{
    QElapsedTimer sinceMain;
    sinceMain.start();
    QCoreApplication app(argc, argv);

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Time Opsdeck's headless Kubernetes sync until the models are ready."));
    parser.addHelpOption();
    const QCommandLineOption kubeconfigOption(QStringLiteral("kubeconfig"), QStringLiteral("Kubeconfig file (else KUBECONFIG)."),
                                              QStringLiteral("path"));
    const QCommandLineOption kindsOption(QStringLiteral("kinds"), QStringLiteral("Plurals to sync, comma separated."),
                                         QStringLiteral("list"),
                                         QStringLiteral("pods,deployments,replicasets,horizontalpodautoscalers,ingresses"));
    const QCommandLineOption servicesOption(QStringLiteral("expect-services"), QStringLiteral("Services the store must hold."),
                                            QStringLiteral("n"), QStringLiteral("500"));
    const QCommandLineOption podsOption(QStringLiteral("expect-pods"), QStringLiteral("Pods the store must hold."),
                                        QStringLiteral("n"), QStringLiteral("10000"));
    const QCommandLineOption timeoutOption(QStringLiteral("timeout"), QStringLiteral("Give up after this many seconds."),
                                           QStringLiteral("s"), QStringLiteral("120"));
    parser.addOptions({kubeconfigOption, kindsOption, servicesOption, podsOption, timeoutOption});
    parser.process(app);

    const QStringList plurals = parser.value(kindsOption).split(u',', Qt::SkipEmptyParts);
    QSet<ResourceKind> kinds;
    for (const QString &plural : plurals) {
        const auto kind = kindOfPlural(plural);
        if (!kind)
            return fail(QStringLiteral("unknown kind '%1'").arg(plural));
        kinds.insert(*kind);
    }
    const int expectServices = parser.value(servicesOption).toInt();
    const int expectPods = parser.value(podsOption).toInt();

    PluginLoader loader;
    loader.load();
    DataSourceFactory *factory = loader.sourceFactory(QStringLiteral("kubernetes"));
    if (!factory) {
        for (const Error &error : loader.errors())
            std::fprintf(stderr, "k8s-sync: %s\n", qPrintable(error.message));
        return fail(QStringLiteral("no kubernetes plugin in %1").arg(loader.searchPaths().join(u':')));
    }
    say(QStringLiteral("plugin loaded at +%1 s (main), kinds %2, pod metrics off")
            .arg(sinceMain.nsecsElapsed() / 1e9, 0, 'f', 3)
            .arg(plurals.join(u',')));

    std::unique_ptr<DataSource> source = factory->createSource();
    QVariantMap settings{{QStringLiteral("kinds"), plurals}, {QStringLiteral("metrics"), false}};
    if (parser.isSet(kubeconfigOption))
        settings.insert(QStringLiteral("kubeconfig"), parser.value(kubeconfigOption));
    if (const auto configured = source->configure(SourceConfig{QStringLiteral("bench"), settings}); !configured)
        return fail(configured.error().message);

    ServiceStore store;
    SourceHost host;
    QString context;
    int batches = 0;
    qint64 deltas = 0;
    qint64 applyNs = 0;
    bool ready = false;
    int exitCode = 0;
    QHash<ResourceKind, double> syncedAt;

    // Ready: every requested kind Synced (its informer's list is fully applied: Synced follows the list's
    // Added deltas in the same batch), then one flush publishes the services. The app's 100 ms
    // coalescing timer is not waited for.
    const auto checkReady = [&] {
        if (ready || context.isEmpty())
            return;
        const ContextState state = store.contextState(context);
        for (ResourceKind kind : std::as_const(kinds)) {
            if (!state.synced.contains(kind))
                return;
        }
        QElapsedTimer flushClock;
        flushClock.start();
        store.flush();
        const double flushS = flushClock.nsecsElapsed() / 1e9;
        ready = true;
        const double processS = secondsSinceProcessStart();
        const double mainS = sinceMain.nsecsElapsed() / 1e9;
        const double rssMb = peakRssMb();
        const double mainCpuS = cpuSeconds(CLOCK_THREAD_CPUTIME_ID);
        const double totalCpuS = cpuSeconds(CLOCK_PROCESS_CPUTIME_ID);

        int summaryPods = 0;
        for (int row = 0; row < store.serviceCount(); ++row)
            summaryPods += store.serviceAt(row).pods;
        const int services = store.serviceCount();
        const int pods = store.objectCount(ResourceKind::Pod);
        say(QStringLiteral("models ready at +%1 s from process start (+%2 s from main); final flush %3 s")
                .arg(processS, 0, 'f', 3)
                .arg(mainS, 0, 'f', 3)
                .arg(flushS, 0, 'f', 3));
        say(QStringLiteral("%1 batches, %2 deltas; ServiceStore::apply %3 s on the main thread")
                .arg(batches)
                .arg(deltas)
                .arg(applyNs / 1e9, 0, 'f', 3));
        say(QStringLiteral("CPU: main thread %1 s, other threads (source: HTTP, TLS, parse) %2 s")
                .arg(mainCpuS, 0, 'f', 3)
                .arg(totalCpuS - mainCpuS, 0, 'f', 3));
        say(QStringLiteral("store: %1 services, %2 pods (%3 in service summaries), %4 deployments, %5 replicasets, "
                           "%6 hpas, %7 ingresses; peak RSS %8 MiB")
                .arg(services)
                .arg(pods)
                .arg(summaryPods)
                .arg(store.objectCount(ResourceKind::Deployment))
                .arg(store.objectCount(ResourceKind::ReplicaSet))
                .arg(store.objectCount(ResourceKind::HorizontalPodAutoscaler))
                .arg(store.objectCount(ResourceKind::Ingress))
                .arg(rssMb, 0, 'f', 1));
        if (services != expectServices || pods != expectPods || summaryPods != expectPods) {
            exitCode = fail(QStringLiteral("expected %1 services and %2 pods, the store holds %3 services, %4 pods "
                                           "(%5 in summaries)")
                                .arg(expectServices)
                                .arg(expectPods)
                                .arg(services)
                                .arg(pods)
                                .arg(summaryPods));
        }
        QStringList syncLines;
        for (ResourceKind kind : std::as_const(kinds))
            syncLines << QStringLiteral("%1 %2").arg(toString(kind)).arg(syncedAt.value(kind), 0, 'f', 3);
        syncLines.sort();
        say(QStringLiteral("Synced arrived at (s from main): %1").arg(syncLines.join(QStringLiteral(", "))));
        std::fprintf(stdout, "opsdeck_s=%.3f main_s=%.3f rss_mb=%.0f services=%d pods=%d batches=%d\n", processS,
                     mainS, rssMb, services, pods, batches);
        std::fflush(stdout);
        QCoreApplication::exit(exitCode);
    };

    QObject::connect(&host, &SourceHost::observationsReady, &store, [&](const ObservationBatch &batch) {
        ++batches;
        deltas += qint64(batch.observations.size());
        for (const Observation &o : batch.observations) {
            if (const auto *delta = std::get_if<ResourceDelta>(&o); delta && context.isEmpty())
                context = delta->key.context;
            if (const auto *delta = std::get_if<ResourceDelta>(&o); delta && delta->type == ResourceDelta::Type::Synced)
                syncedAt.insert(delta->key.kind, sinceMain.nsecsElapsed() / 1e9);
        }
        QElapsedTimer clock;
        clock.start();
        store.apply(batch);
        applyNs += clock.nsecsElapsed();
        if (batches == 1)
            say(QStringLiteral("first batch at +%1 s (main), %2 observations")
                    .arg(sinceMain.nsecsElapsed() / 1e9, 0, 'f', 3)
                    .arg(batch.observations.size()));
        checkReady();
    });
    QObject::connect(&host, &SourceHost::statusChanged, &store, [&](const QString &id, const SourceStatus &status) {
        store.setSourceStatus(id, status);
        if (status.state == SourceStatus::State::Down || status.state == SourceStatus::State::Degraded) {
            const QString why = status.error ? status.error->message : QString();
            if (!ready) {
                std::fprintf(stderr, "k8s-sync: source %s: %s\n", qPrintable(toString(status.state)), qPrintable(why));
                QCoreApplication::exit(1);
            }
        }
    });
    QTimer::singleShot(parser.value(timeoutOption).toInt() * 1000, &app, [&] {
        std::fprintf(stderr, "k8s-sync: models not ready after %s s\n", qPrintable(parser.value(timeoutOption)));
        QCoreApplication::exit(1);
    });

    if (const auto added = host.add(std::move(source)); !added)
        return fail(added.error().message);
    host.startAll();
    const int code = app.exec();
    host.stopAll();
    return code;
}
