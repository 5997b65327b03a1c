#include "drillcommand.h"

#include "alertlog.h"
#include "drillrunner.h"
#include "drillstore.h"
#include "format.h"
#include "globaloptions.h"
#include "headlessestate.h"
#include "journal.h"
#include "journalcommand.h"
#include "simchaos.h"
#include "subcommand.h"

#include <QCommandLineParser>
#include <QEventLoop>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QTimer>

#include <atomic>
#include <csignal>
#include <cstdio>

namespace Opsdeck {

namespace {

const QString Command = QStringLiteral("drill");

std::atomic<bool> g_interrupted{false};

extern "C" void onInterrupt(int)
{
    g_interrupted = true;
}

// Progress goes to stderr, one line each, so stdout stays the result (CLI.md).
void progress(const QString &text)
{
    const QByteArray bytes = (QStringLiteral("opsdeck drill: ") + text + QLatin1Char('\n')).toUtf8();
    std::fwrite(bytes.constData(), 1, size_t(bytes.size()), stderr);
    std::fflush(stderr);
}

QJsonValue time(const QDateTime &t)
{
    return t.isValid() ? QJsonValue(Format::rfc3339(t)) : QJsonValue(QJsonValue::Null);
}

QJsonValue seconds(const std::optional<qint64> &s)
{
    return s ? QJsonValue(*s) : QJsonValue(QJsonValue::Null);
}

QString secondsText(const std::optional<qint64> &s)
{
    return s ? QString::number(*s) : QStringLiteral("none");
}

// The service named `name` in the estate's context (and --namespace when given).
Result<ServiceKey> findService(const ServiceStore &store, const QString &context, const QString &ns, const QString &name)
{
    QList<ServiceKey> found;
    for (int row = 0; row < store.serviceCount(); ++row) {
        const ServiceKey &key = store.serviceAt(row).key;
        if (key.context == context && key.name == name && (ns.isEmpty() || key.ns == ns))
            found << key;
    }
    if (found.size() == 1)
        return found.constFirst();
    if (found.isEmpty())
        return makeError(ErrorKind::NotFound, QStringLiteral("service %1 is not in context '%2'%3").arg(name, context, ns.isEmpty() ? QString() : QStringLiteral(" namespace %1").arg(ns)),
                         QStringLiteral("check --service and --namespace"));
    QStringList namespaces;
    for (const ServiceKey &k : std::as_const(found))
        namespaces << k.ns;
    return makeError(ErrorKind::Invalid, QStringLiteral("service %1 is in several namespaces (%2)").arg(name, namespaces.join(QStringLiteral(", "))),
                     QStringLiteral("pick one with --namespace"));
}

} // namespace

int runDrillCommand(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Run a drill against an opsdeck-sim: inject SCENARIO's fault into the service through the sim's chaos API, "
                       "wait for the matching alert, clear the fault, wait until the service is Healthy again and the alert ended. "
                       "Scenarios: %1. Prints detectedSeconds=… recoveredSeconds=… as the last line; the run is kept in the journal "
                       "(drill_runs). Refuses (exit 3) against a cluster that is not an opsdeck-sim. See docs/drills.md.")
            .arg(drillScenarios().join(QStringLiteral(", "))));
    parser.addHelpOption();
    GlobalOptions::addTo(parser);
    parser.addPositionalArgument(QStringLiteral("scenario"), drillScenarios().join(QStringLiteral(" | ")));
    parser.addOptions({
        QCommandLineOption(QStringLiteral("service"), QStringLiteral("The service to drill (required)."), QStringLiteral("S")),
        QCommandLineOption(QStringLiteral("timeout"),
                           QStringLiteral("How long to wait for the sync, for the alert, and for recovery, each (default 300)."),
                           QStringLiteral("SECONDS"), QStringLiteral("300")),
    });
    const ParsedCommandLine global = parseCommandLine(parser, arguments, Command, true);
    if (!global)
        return global.error();
    const QStringList positional = parser.positionalArguments();
    if (positional.size() != 1) {
        printDiagnostic(Command, QStringLiteral("name one scenario: %1").arg(drillScenarios().join(QStringLiteral(", "))));
        return ExitCode::Usage;
    }
    const QString scenario = positional.constFirst();
    if (!drillScenarios().contains(scenario)) {
        printDiagnostic(Command, QStringLiteral("unknown scenario '%1' (use one of %2)").arg(scenario, drillScenarios().join(QStringLiteral(", "))));
        return ExitCode::Usage;
    }
    const QString serviceName = parser.value(QStringLiteral("service"));
    if (serviceName.isEmpty()) {
        printDiagnostic(Command, QStringLiteral("--service S is required"));
        return ExitCode::Usage;
    }
    bool ok = false;
    const int timeoutSeconds = parser.value(QStringLiteral("timeout")).toInt(&ok);
    if (!ok || timeoutSeconds <= 0) {
        printDiagnostic(Command, QStringLiteral("--timeout must be a positive number of seconds"));
        return ExitCode::Usage;
    }

    // The sources' own warnings would repeat what the drill reports.
    QLoggingCategory::setFilterRules(QStringLiteral("opsdeck.*.debug=false\nopsdeck.*.info=false\nopsdeck.*.warning=false"));
    HeadlessEstate estate(*global);
    if (const Result<void> started = estate.start(); !started) {
        printDiagnostic(Command, describeError(started.error()));
        return started.error().kind == ErrorKind::Config ? ExitCode::Usage : ExitCode::Failed;
    }
    if (!estate.connection()) {
        printDiagnostic(Command, QStringLiteral("context '%1' did not resolve").arg(estate.context()));
        return ExitCode::Usage;
    }

    QEventLoop loop;
    int exitCode = -1;
    auto quit = [&](int code) {
        if (exitCode < 0)
            exitCode = code;
        loop.quit();
    };

    // 1. Is it a sim? Never send a fault to a real cluster.
    SimChaos chaos(*estate.connection());
    chaos.setTimeout(std::chrono::seconds(qMin(timeoutSeconds, 30)));
    bool isSim = false;
    bool probed = false;
    std::optional<Error> estateFailure; // reported after the probe: "not a sim" (exit 3) comes first
    chaos.probe(&loop, [&](const Result<QJsonObject> &status) {
        probed = true;
        if (!status) {
            printDiagnostic(Command, describeError(status.error()));
            quit(status.error().kind == ErrorKind::NotFound || status.error().kind == ErrorKind::Invalid ? ExitCode::Refused : ExitCode::Failed);
            return;
        }
        isSim = true;
        if (estateFailure) {
            printDiagnostic(Command, describeError(*estateFailure));
            quit(ExitCode::Failed);
        } else if (estate.isSynced()) {
            loop.quit();
        }
    });
    QObject::connect(&estate, &HeadlessEstate::failed, &loop, [&](const Error &error) {
        if (!probed) {
            estateFailure = error;
            return;
        }
        printDiagnostic(Command, describeError(error));
        quit(ExitCode::Failed);
    });
    QObject::connect(&estate, &HeadlessEstate::synced, &loop, [&] {
        if (isSim)
            loop.quit();
    });
    QTimer syncTimeout;
    syncTimeout.setSingleShot(true);
    QObject::connect(&syncTimeout, &QTimer::timeout, &loop, [&] {
        printDiagnostic(Command, QStringLiteral("the sources did not sync within %1 s: %2 (try --timeout)").arg(timeoutSeconds).arg(estate.pendingDescription()));
        quit(ExitCode::Failed);
    });
    syncTimeout.start(std::chrono::seconds(timeoutSeconds));
    loop.exec();
    if (exitCode >= 0)
        return exitCode;
    syncTimeout.stop();
    QObject::disconnect(&estate, &HeadlessEstate::failed, &loop, nullptr);

    const Result<ServiceKey> service = findService(estate.store(), estate.context(), global->ns, serviceName);
    if (!service) {
        printDiagnostic(Command, describeError(service.error()));
        return ExitCode::Usage;
    }

    // 2. The journal keeps the run, and the alerts it raised (for the timeline and the RCA export).
    Journal journal;
    const QString journalPath = journalFilePath();
    if (const Result<void> opened = journal.open(journalPath); !opened) {
        printDiagnostic(Command, describeError(opened.error()));
        return ExitCode::Failed;
    }
    DrillStore store;
    if (const Result<void> opened = store.open(journalPath); !opened) {
        printDiagnostic(Command, describeError(opened.error()));
        return ExitCode::Failed;
    }
    if (const Result<void> recording = estate.recordAlerts(journalPath); !recording)
        progress(QStringLiteral("alerts are not recorded: %1").arg(describeError(recording.error())));

    DrillRunner runner;
    runner.setChaos(&chaos);
    runner.setAlertEngine(&estate.alerts());
    runner.attach(&estate.store());
    runner.setStore(&store);
    runner.setTimeouts(std::chrono::seconds(timeoutSeconds), std::chrono::seconds(timeoutSeconds));

    // Blind from here on: end the drill (clearing the fault) rather than leave it injected.
    QObject::connect(&estate, &HeadlessEstate::failed, &loop, [&](const Error &error) {
        progress(QStringLiteral("the estate's source failed: %1").arg(describeError(error)));
        if (runner.isRunning())
            runner.cancel();
        else
            quit(ExitCode::Failed);
    });

    const std::optional<DrillScenario> plan = DrillScenario::forService(scenario, service->name);
    QObject::connect(&runner, &DrillRunner::phaseChanged, &loop, [&](DrillRunner::Phase phase) {
        const DrillRun &run = runner.run();
        switch (phase) {
        case DrillRunner::Phase::Injecting:
            progress(QStringLiteral("%1 on %2: %3 (run %4)").arg(scenario, service->name, plan->description).arg(run.id));
            break;
        case DrillRunner::Phase::Detecting:
            progress(QStringLiteral("fault injected at %1; waiting for %2").arg(Format::rfc3339(run.faultAt), plan->expectedAlerts(service->name)));
            break;
        case DrillRunner::Phase::Clearing:
            if (run.detectedAt.isValid())
                progress(QStringLiteral("detected after %1 s: %2").arg(secondsText(run.detectedSeconds()), run.alertId));
            progress(QStringLiteral("clearing the fault"));
            break;
        case DrillRunner::Phase::Recovering:
            progress(QStringLiteral("fault cleared; waiting until %1 is Healthy and the alert ended").arg(service->name));
            break;
        case DrillRunner::Phase::Finished:
            loop.quit();
            break;
        case DrillRunner::Phase::Idle:
            break;
        }
    });

    // The service may still be settling (health not read yet, an earlier fault healing): wait for it to be
    // startable, within the timeout, then refuse with the reason.
    QTimer startTimer;
    startTimer.setInterval(500);
    const auto startDeadline = std::chrono::steady_clock::now() + std::chrono::seconds(qMin(timeoutSeconds, 120));
    Error lastRefusal;
    // Every service of the namespace must have had its /health read once (and the alert engine a second to
    // evaluate it): a breaker already open, or a service already failing, must not pass for the drill's alert.
    std::optional<std::chrono::steady_clock::time_point> reportsReadAt;
    auto reportsRead = [&] {
        const ServiceStore &store = estate.store();
        for (int row = 0; row < store.serviceCount(); ++row) {
            const ServiceSummary &s = store.serviceAt(row);
            if (s.key.context == service->context && s.key.ns == service->ns && !s.reportStatus && s.reportError.isEmpty())
                return false;
        }
        return true;
    };
    auto tryStart = [&] {
        const auto now = std::chrono::steady_clock::now();
        if (!reportsReadAt && reportsRead())
            reportsReadAt = now;
        if (!reportsReadAt || now - *reportsReadAt < std::chrono::seconds(1)) {
            lastRefusal = Error{ErrorKind::Conflict, QStringLiteral("the services' health reports are not read yet"), {}, std::nullopt};
            if (now >= startDeadline) {
                startTimer.stop();
                printDiagnostic(Command, QStringLiteral("not started: %1").arg(lastRefusal.message));
                quit(ExitCode::Failed);
            }
            return;
        }
        const Result<void> started = runner.start(scenario, *service);
        if (started) {
            startTimer.stop();
            return;
        }
        lastRefusal = started.error();
        if (started.error().kind != ErrorKind::Conflict || std::chrono::steady_clock::now() >= startDeadline) {
            startTimer.stop();
            printDiagnostic(Command, QStringLiteral("not started: %1").arg(describeError(started.error())));
            quit(started.error().kind == ErrorKind::Conflict ? ExitCode::Refused : ExitCode::Failed);
        }
    };
    QObject::connect(&startTimer, &QTimer::timeout, &loop, tryStart);

    // Ctrl-C clears the fault before leaving.
    g_interrupted = false;
    std::signal(SIGINT, onInterrupt);
    std::signal(SIGTERM, onInterrupt);
    QTimer interruptPoll;
    QObject::connect(&interruptPoll, &QTimer::timeout, &loop, [&] {
        if (!g_interrupted.exchange(false))
            return;
        if (runner.isRunning()) {
            progress(QStringLiteral("interrupted: clearing the fault"));
            runner.cancel();
        } else {
            quit(ExitCode::Failed);
        }
    });
    interruptPoll.start(200);

    QTimer::singleShot(0, &loop, [&] {
        tryStart();
        if (exitCode < 0 && !runner.isRunning() && runner.phase() != DrillRunner::Phase::Finished) {
            progress(QStringLiteral("waiting for %1 to be ready for a drill: %2").arg(service->name, lastRefusal.message));
            startTimer.start();
        }
    });
    loop.exec();
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);
    if (exitCode >= 0)
        return exitCode;

    const DrillRun run = runner.run();
    if (global->json) {
        QJsonValue alert(QJsonValue::Null);
        const QList<Alert> history = estate.alerts().history();
        for (auto it = history.crbegin(); it != history.crend(); ++it) {
            if (it->id == run.alertId) {
                alert = toJson(*it);
                break;
            }
        }
        QJsonObject object{
            {QStringLiteral("id"), run.id},
            {QStringLiteral("scenario"), run.scenario},
            {QStringLiteral("context"), run.service.context},
            {QStringLiteral("namespace"), run.service.ns},
            {QStringLiteral("service"), run.service.name},
            {QStringLiteral("status"), run.status},
            {QStringLiteral("faultAt"), time(run.faultAt)},
            {QStringLiteral("detectedAt"), time(run.detectedAt)},
            {QStringLiteral("clearedAt"), time(run.clearedAt)},
            {QStringLiteral("recoveredAt"), time(run.recoveredAt)},
            {QStringLiteral("detectedSeconds"), seconds(run.detectedSeconds())},
            {QStringLiteral("recoveredSeconds"), seconds(run.recoveredSeconds())},
            {QStringLiteral("alert"), alert},
        };
        if (!run.error.isEmpty())
            object.insert(QStringLiteral("error"), run.error);
        printOut(QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Indented)));
    } else {
        if (run.status == QLatin1String("recovered"))
            printOut(QStringLiteral("%1 on %2: detected after %3 s (%4), recovered after %5 s (%6 s after the fault was cleared)\n")
                      .arg(run.scenario, run.service.name, secondsText(run.detectedSeconds()), run.alertId, secondsText(run.recoveredSeconds()),
                           secondsText(run.healSeconds())));
        else
            printOut(QStringLiteral("%1 on %2: %3: %4\n").arg(run.scenario, run.service.name, run.status, run.error));
        printOut(QStringLiteral("detectedSeconds=%1 recoveredSeconds=%2\n").arg(secondsText(run.detectedSeconds()), secondsText(run.recoveredSeconds())));
    }
    if (run.status != QLatin1String("recovered"))
        printDiagnostic(Command, QStringLiteral("%1 (run %2 in the journal's drill runs)").arg(run.error).arg(run.id));
    return run.status == QLatin1String("recovered") ? ExitCode::Done : ExitCode::Failed;
}

} // namespace Opsdeck
