#include "actcommand.h"

#include "actionservice.h"
#include "azure/azureconfig.h"
#include "globaloptions.h"
#include "journal.h"
#include "journalcommand.h"
#include "kubeconfigloader.h"
#include "observation.h"
#include "pluginloader.h"
#include "restorerunbook.h"
#include "subcommand.h"

#include <QCommandLineParser>
#include <QEventLoop>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTimer>

#include <cstdio>

namespace Opsdeck {

namespace {

const QString Command = QStringLiteral("act");

struct Invocation
{
    QString cliAction; // as typed: canary-weight, promote, abort, undo, scale, restart
    ActionRequest request;
    bool dryRun = false;
    bool yes = false;
    bool json = false;
    int timeoutSeconds = 900;
};

// What the run ended with, for the exit status and --json.
struct Outcome
{
    int exitCode = ExitCode::Failed;
    QString status; // succeeded | failed | refused | previewed
    qint64 journalId = 0;
    QList<ActionChange> changes;
    std::optional<Error> error;
};

void err(const QString &text)
{
    std::fputs(qPrintable(text), stderr);
    std::fflush(stderr);
}

QString quoted(const QString &value)
{
    return value.isEmpty() ? QStringLiteral("(none)") : QStringLiteral("\"%1\"").arg(value);
}

QString changeLine(const ActionChange &c)
{
    return QStringLiteral("%1/%2 %3: %4 → %5").arg(c.kind, c.name, c.field, quoted(c.from), quoted(c.to));
}

// Parses ACTION and its arguments into a request; Error{Config} = usage (exit 2), Error{Invalid} = a
// value out of range (exit 3).
Result<Invocation> parseInvocation(const QCommandLineParser &parser, const GlobalOptions &global)
{
    Invocation inv;
    QStringList positional = parser.positionalArguments();
    if (positional.isEmpty())
        return makeError(ErrorKind::Config, QStringLiteral("name an action: canary-weight, promote, abort, undo, scale, restart or restore-db"));
    inv.cliAction = positional.takeFirst();
    static const QHash<QString, QString> ids{{QStringLiteral("canary-weight"), QStringLiteral("canary-weight")},
                                             {QStringLiteral("promote"), QStringLiteral("promote")},
                                             {QStringLiteral("abort"), QStringLiteral("abort")},
                                             {QStringLiteral("undo"), QStringLiteral("rollout-undo")},
                                             {QStringLiteral("rollout-undo"), QStringLiteral("rollout-undo")},
                                             {QStringLiteral("scale"), QStringLiteral("scale")},
                                             {QStringLiteral("restart"), QStringLiteral("restart")},
                                             {QStringLiteral("restore-db"), QStringLiteral("restore-db")}};
    if (!ids.contains(inv.cliAction))
        return makeError(ErrorKind::Config, QStringLiteral("unknown action '%1' (canary-weight, promote, abort, undo, scale, restart, restore-db)").arg(inv.cliAction));
    ActionRequest &r = inv.request;
    r.id = QUuid::createUuid();
    r.actionId = ids.value(inv.cliAction);
    r.service.name = parser.value(QStringLiteral("service"));
    if (r.service.name.isEmpty())
        return makeError(ErrorKind::Config, QStringLiteral("--service is required"));
    inv.dryRun = parser.isSet(QStringLiteral("dry-run"));
    inv.yes = parser.isSet(QStringLiteral("yes"));
    inv.json = global.json;
    if (parser.isSet(QStringLiteral("timeout"))) {
        bool ok = false;
        inv.timeoutSeconds = parser.value(QStringLiteral("timeout")).toInt(&ok);
        if (!ok || inv.timeoutSeconds < 1)
            return makeError(ErrorKind::Config, QStringLiteral("--timeout takes a positive number of seconds"));
    }

    const bool restore = r.actionId == QLatin1String("restore-db");
    for (const char *option : {"database", "point-in-time", "new-name", "repoint"}) {
        if (!restore && parser.isSet(QString::fromLatin1(option)))
            return makeError(ErrorKind::Config, QStringLiteral("--%1 applies to restore-db only").arg(QString::fromLatin1(option)));
    }
    if (restore) {
        // The runbook's parameters (restorerunbook.h); the service's database and the point are required.
        if (!parser.value(QStringLiteral("track")).isEmpty())
            return makeError(ErrorKind::Config, QStringLiteral("restore-db acts on the whole service; --track does not apply"));
        if (!positional.isEmpty())
            return makeError(ErrorKind::Config, QStringLiteral("unexpected argument '%1'").arg(positional.constFirst()));
        const QString database = parser.value(QStringLiteral("database"));
        if (database.isEmpty())
            return makeError(ErrorKind::Config, QStringLiteral("restore-db needs --database D (the database to restore)"));
        const QString point = parser.value(QStringLiteral("point-in-time"));
        if (point.isEmpty())
            return makeError(ErrorKind::Config, QStringLiteral("restore-db needs --point-in-time ISO8601 (e.g. 2026-11-26T08:00:00Z)"));
        const Result<QDateTime> parsed = RestoreRunbook::parsePoint(point);
        if (!parsed)
            return makeError(ErrorKind::Config, parsed.error().message);
        r.parameters.insert(QStringLiteral("database"), database);
        r.parameters.insert(QStringLiteral("pointInTime"), parsed->toString(Qt::ISODateWithMs));
        if (parser.isSet(QStringLiteral("new-name")))
            r.parameters.insert(QStringLiteral("newName"), parser.value(QStringLiteral("new-name")));
        r.parameters.insert(QStringLiteral("repoint"), parser.isSet(QStringLiteral("repoint")));
        return inv;
    }

    const bool canaryOnly = r.actionId == QLatin1String("canary-weight") || r.actionId == QLatin1String("promote")
        || r.actionId == QLatin1String("abort");
    QString track = parser.value(QStringLiteral("track"));
    if (canaryOnly) {
        if (!track.isEmpty() && track != QLatin1String("canary"))
            return makeError(ErrorKind::Config, QStringLiteral("%1 acts on the canary; --track %2 does not apply").arg(inv.cliAction, track));
        r.track = Track::Canary;
    } else {
        if (track.isEmpty())
            track = QStringLiteral("stable");
        if (track != QLatin1String("stable") && track != QLatin1String("canary"))
            return makeError(ErrorKind::Config, QStringLiteral("--track takes stable or canary, not '%1'").arg(track));
        r.track = track == QLatin1String("canary") ? Track::Canary : Track::Stable;
        r.parameters.insert(QStringLiteral("track"), track);
    }

    const bool takesNumber = r.actionId == QLatin1String("canary-weight") || r.actionId == QLatin1String("scale");
    if (takesNumber) {
        const QString what = r.actionId == QLatin1String("scale") ? QStringLiteral("replicas") : QStringLiteral("weight");
        if (positional.size() != 1)
            return makeError(ErrorKind::Config, QStringLiteral("%1 takes one number: the %2").arg(inv.cliAction, what));
        bool ok = false;
        const int value = positional.constFirst().toInt(&ok);
        if (!ok)
            return makeError(ErrorKind::Config, QStringLiteral("'%1' is not a whole number").arg(positional.constFirst()));
        if (what == QLatin1String("weight") && (value < 0 || value > 100))
            return makeError(ErrorKind::Invalid, QStringLiteral("canary weight %1 is out of range 0–100").arg(value));
        if (what == QLatin1String("replicas") && value < 0)
            return makeError(ErrorKind::Invalid, QStringLiteral("replicas %1 is out of range (0 or more)").arg(value));
        r.parameters.insert(what, value);
    } else if (!positional.isEmpty()) {
        return makeError(ErrorKind::Config, QStringLiteral("unexpected argument '%1'").arg(positional.constFirst()));
    }
    if (parser.isSet(QStringLiteral("to-revision"))) {
        if (r.actionId != QLatin1String("rollout-undo"))
            return makeError(ErrorKind::Config, QStringLiteral("--to-revision applies to undo only"));
        bool ok = false;
        const int revision = parser.value(QStringLiteral("to-revision")).toInt(&ok);
        if (!ok || revision < 1)
            return makeError(ErrorKind::Config, QStringLiteral("--to-revision takes a revision number (1 or more)"));
        r.parameters.insert(QStringLiteral("toRevision"), revision);
    }
    return inv;
}

QJsonObject outcomeJson(const Invocation &inv, const Outcome &outcome)
{
    QJsonArray changes;
    for (const ActionChange &c : outcome.changes)
        changes.append(toJson(c));
    QJsonObject object{{QStringLiteral("action"), inv.cliAction},
                       {QStringLiteral("context"), inv.request.service.context},
                       {QStringLiteral("namespace"), inv.request.service.ns},
                       {QStringLiteral("service"), inv.request.service.name},
                       {QStringLiteral("track"), toString(inv.request.track)},
                       {QStringLiteral("status"), outcome.status},
                       {QStringLiteral("journalId"), outcome.journalId > 0 ? QJsonValue(outcome.journalId) : QJsonValue(QJsonValue::Null)},
                       {QStringLiteral("changes"), changes}};
    if (outcome.error)
        object.insert(QStringLiteral("error"), QJsonObject{{QStringLiteral("code"), toString(outcome.error->kind)},
                                                           {QStringLiteral("message"), outcome.error->message}});
    return object;
}

void printPreview(const Invocation &inv, const ActionPreview &preview)
{
    const ServiceKey &s = inv.request.service;
    QString text = QStringLiteral("Preview: %1 on %2 (context %3, namespace %4, track %5)\n")
                       .arg(inv.cliAction, s.name, s.context, s.ns, toString(inv.request.track));
    text += QStringLiteral("Changes (server-side dry run):\n");
    if (preview.changes.isEmpty())
        text += QStringLiteral("  (none)\n");
    QStringList affected;
    for (const ActionChange &c : preview.changes) {
        text += QStringLiteral("  %1\n").arg(changeLine(c));
        const QString object = QStringLiteral("%1/%2").arg(c.kind, c.name);
        if (!affected.contains(object))
            affected << object;
    }
    for (const QString &warning : preview.warnings)
        text += QStringLiteral("Warning: %1\n").arg(warning);
    if (!preview.steps.isEmpty()) {
        text += QStringLiteral("Steps:\n");
        for (int i = 0; i < preview.steps.size(); ++i)
            text += QStringLiteral("  %1. %2%3\n").arg(i + 1).arg(preview.steps[i].title,
                                                                  preview.steps[i].destructive ? QStringLiteral(" (destructive)") : QString());
    }
    if (!affected.isEmpty())
        text += QStringLiteral("Affected objects: %1\n").arg(affected.join(QStringLiteral(", ")));
    printOut(text);
}

// The journal id of a request (refusals are journaled by ActionService without handing back the id).
qint64 journalIdOf(const Journal &journal, const QUuid &requestId)
{
    JournalFilter filter;
    filter.limit = 50;
    const Result<QList<JournalEntry>> entries = journal.entries(filter);
    if (entries) {
        for (const JournalEntry &e : *entries) {
            if (e.requestId == requestId)
                return e.id;
        }
    }
    return 0;
}

} // namespace

int runActCommand(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Run an action on a service: canary-weight N, promote, abort, undo, scale N, restart, restore-db.\n"
        "Without --yes it only shows the preview (exit 3); --dry-run prints the diff (exit 0)."));
    parser.addHelpOption();
    GlobalOptions::addTo(parser);
    parser.addOptions({
        QCommandLineOption(QStringLiteral("service"), QStringLiteral("The service to act on."), QStringLiteral("S")),
        QCommandLineOption(QStringLiteral("track"), QStringLiteral("stable (default) or canary, for undo, scale and restart."),
                           QStringLiteral("TRACK")),
        QCommandLineOption(QStringLiteral("to-revision"), QStringLiteral("undo: the revision to roll back to (default: the previous)."),
                           QStringLiteral("N")),
        QCommandLineOption(QStringLiteral("dry-run"), QStringLiteral("Send the server-side dry run, print the diff, change nothing.")),
        QCommandLineOption(QStringLiteral("yes"), QStringLiteral("Apply the change (the script's explicit consent).")),
        QCommandLineOption(QStringLiteral("timeout"), QStringLiteral("Give up waiting after SECONDS (default 900)."), QStringLiteral("SECONDS")),
        QCommandLineOption(QStringLiteral("database"), QStringLiteral("restore-db: the Azure SQL database to restore."), QStringLiteral("D")),
        QCommandLineOption(QStringLiteral("point-in-time"), QStringLiteral("restore-db: the point to restore to, ISO 8601 (no zone = UTC)."),
                           QStringLiteral("ISO8601")),
        QCommandLineOption(QStringLiteral("new-name"), QStringLiteral("restore-db: the restored database's name (default <D>-restored-<yyyyMMddHHmm>)."),
                           QStringLiteral("N")),
        QCommandLineOption(QStringLiteral("repoint"), QStringLiteral("restore-db: point the service's <service>-db Secret at the restored database.")),
    });
    parser.addPositionalArgument(QStringLiteral("ACTION"), QStringLiteral("canary-weight, promote, abort, undo, scale, restart or restore-db"));
    parser.addPositionalArgument(QStringLiteral("N"), QStringLiteral("canary-weight: the weight in percent; scale: the replicas"), QStringLiteral("[N]"));
    const ParsedCommandLine global = parseCommandLine(parser, arguments, Command, true);
    if (!global)
        return global.error();
    Result<Invocation> parsed = parseInvocation(parser, *global);
    if (!parsed) {
        printDiagnostic(Command, parsed.error().message);
        return parsed.error().kind == ErrorKind::Invalid ? ExitCode::Refused : ExitCode::Usage;
    }
    Invocation inv = *parsed;

    // The context and namespace, as kubectl would pick them.
    const Result<Kubeconfig> kubeconfig = KubeconfigLoader::load(global->kubeconfig);
    if (!kubeconfig) {
        printDiagnostic(Command, describeError(kubeconfig.error()));
        return ExitCode::Usage;
    }
    const QString contextName = global->context.isEmpty() ? kubeconfig->currentContext() : global->context;
    const std::optional<KubeconfigContext> context = kubeconfig->context(contextName);
    if (!context) {
        printDiagnostic(Command, contextName.isEmpty() ? QStringLiteral("the kubeconfig has no current context; pass --context")
                                                       : QStringLiteral("no context '%1' in the kubeconfig").arg(contextName));
        return ExitCode::Usage;
    }
    inv.request.service.context = context->name;
    inv.request.service.ns = !global->ns.isEmpty() ? global->ns
        : !context->namespaceName.isEmpty()        ? context->namespaceName
                                                   : QStringLiteral("default");

    Journal journal;
    if (const Result<void> opened = journal.open(journalFilePath()); !opened) {
        printDiagnostic(Command, describeError(opened.error()));
        return ExitCode::Failed;
    }

    const bool restore = inv.request.actionId == QLatin1String("restore-db");
    // restore-db is the azuresql plugin's: it needs the Azure config beside the kubeconfig.
    QVariantMap azureSettings;
    if (restore) {
        if (global->azureConfig.isEmpty()) {
            printDiagnostic(Command, QStringLiteral("restore-db needs --azure-config FILE (the Azure SQL server's subscription and credentials)"));
            return ExitCode::Usage;
        }
        const Result<AzureConfig> azure = AzureConfig::load(global->azureConfig);
        if (!azure) {
            printDiagnostic(Command, describeError(azure.error()));
            return ExitCode::Usage;
        }
        azureSettings = azure->toSettings();
    }
    const QString pluginId = !qEnvironmentVariableIsEmpty("OPSDECK_ACTION_PLUGIN") ? qEnvironmentVariable("OPSDECK_ACTION_PLUGIN")
        : restore                                                                  ? QStringLiteral("azuresql")
                                                                                   : QStringLiteral("kubernetes");
    PluginLoader plugins;
    plugins.load();
    ActionProviderFactory *factory = plugins.actionProviderFactory(pluginId);
    if (!factory) {
        QStringList problems;
        for (const Error &error : plugins.errors())
            problems << error.message;
        printDiagnostic(Command, QStringLiteral("no plugin '%1' offering actions in %2%3")
                                     .arg(pluginId, plugins.searchPaths().join(QStringLiteral(", ")),
                                          problems.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(problems.join(QStringLiteral("; ")))));
        return ExitCode::Failed;
    }
    // The same settings the app gives this context's source and provider.
    QVariantMap settings{{QStringLiteral("kubeconfig"), kubeconfig->files().value(0, global->kubeconfig)},
                         {QStringLiteral("context"), context->name},
                         {QStringLiteral("namespace"), inv.request.service.ns},
                         {QStringLiteral("readOnly"), false}};
    settings.insert(azureSettings);
    std::unique_ptr<ActionProvider> provider
        = factory->createActionProvider(SourceConfig{QStringLiteral("%1:%2").arg(pluginId, context->name), settings});
    if (!provider) {
        printDiagnostic(Command, QStringLiteral("plugin '%1' made no action provider").arg(pluginId));
        return ExitCode::Failed;
    }

    ActionService service(journal);
    service.addProvider(provider.get());
    const QString user = context->user;
    service.setUserResolver([user](const ServiceKey &) { return user; });

    Outcome outcome;
    QEventLoop loop;
    const auto finish = [&](int code) {
        outcome.exitCode = code;
        loop.exit(code);
    };
    const QUuid id = inv.request.id;
    std::optional<ActionPreview> preview;
    QString lastProgress;

    // Permission first: a provider that checks SelfSubjectAccessReview in the background is asked now
    // and answers permissionsChecked(ServiceKey); then the preview goes out.
    const auto startPreview = [&] {
        const Result<QUuid> started = service.preview(inv.request);
        if (!started) {
            // Refused on the spot (not offered, unavailable, read-only): journaled when it was a refusal.
            outcome.status = QStringLiteral("refused");
            outcome.error = started.error();
            outcome.journalId = journalIdOf(journal, id);
            finish(started.error().kind == ErrorKind::Plugin ? ExitCode::Failed : ExitCode::Refused);
        }
    };

    QObject::connect(&service, &ActionService::previewReady, &loop, [&](const ActionPreview &p) {
        if (p.requestId != id)
            return;
        preview = p;
        outcome.changes = p.changes;
        if (inv.dryRun || !inv.yes) {
            outcome.status = QStringLiteral("previewed");
            service.cancel(id);
            finish(inv.dryRun ? ExitCode::Done : ExitCode::Refused);
            return;
        }
        ActionService::Confirmation confirmation;
        confirmation.method = ActionService::Confirmation::Method::CommandLineYes;
        const Result<qint64> confirmed = service.confirm(id, confirmation);
        if (!confirmed) {
            outcome.status = QStringLiteral("refused");
            outcome.error = confirmed.error();
            outcome.journalId = journalIdOf(journal, id);
            finish(confirmed.error().kind == ErrorKind::Config || confirmed.error().kind == ErrorKind::Plugin ? ExitCode::Failed
                                                                                                               : ExitCode::Refused);
            return;
        }
        outcome.journalId = *confirmed;
        err(QStringLiteral("opsdeck act: applying %1 to %2 (journal entry %3)\n").arg(inv.cliAction, inv.request.service.name).arg(*confirmed));
    });
    QObject::connect(&service, &ActionService::refused, &loop, [&](const QUuid &requestId, const Error &error) {
        if (requestId != id)
            return;
        outcome.status = QStringLiteral("refused");
        outcome.error = error;
        outcome.journalId = journalIdOf(journal, id);
        finish(ExitCode::Refused);
    });
    QObject::connect(&service, &ActionService::failed, &loop, [&](const QUuid &requestId, const Error &error) {
        if (requestId != id)
            return;
        outcome.status = QStringLiteral("failed");
        outcome.error = error;
        finish(ExitCode::Failed);
    });
    QObject::connect(&service, &ActionService::operationChanged, &loop, [&](const OperationStatus &status) {
        if (status.requestId != id || status.isFinal() || status.message.isEmpty())
            return;
        // "[i/n]" counts the step running now (or the last one done, between two steps).
        int current = 0;
        for (int i = 0; i < status.steps.size(); ++i) {
            if (status.steps[i].state == ActionStep::State::Running || status.steps[i].state == ActionStep::State::Succeeded)
                current = i + 1;
            if (status.steps[i].state == ActionStep::State::Running)
                break;
        }
        const QString line = status.steps.isEmpty()
            ? QStringLiteral("opsdeck act: %1\n").arg(status.message)
            : QStringLiteral("opsdeck act: [%1/%2] %3\n").arg(std::max(current, 1)).arg(status.steps.size()).arg(status.message);
        if (line != lastProgress)
            err(line);
        lastProgress = line;
    });
    QObject::connect(&service, &ActionService::finished, &loop, [&](const OperationStatus &status) {
        if (status.requestId != id)
            return;
        if (!status.changes.isEmpty())
            outcome.changes = status.changes;
        outcome.error = status.error;
        switch (status.state) {
        case OperationStatus::State::Succeeded:
            outcome.status = QStringLiteral("succeeded");
            finish(ExitCode::Done);
            return;
        case OperationStatus::State::Refused:
            outcome.status = QStringLiteral("refused");
            finish(ExitCode::Refused);
            return;
        default:
            outcome.status = QStringLiteral("failed");
            if (!outcome.error)
                outcome.error = Error{ErrorKind::Network, status.message, {}, std::nullopt};
            finish(ExitCode::Failed);
            return;
        }
    });

    QTimer timeout;
    timeout.setSingleShot(true);
    QObject::connect(&timeout, &QTimer::timeout, &loop, [&] {
        outcome.status = QStringLiteral("failed");
        outcome.error = Error{ErrorKind::Timeout,
                              QStringLiteral("%1 on %2 did not finish within %3 s").arg(inv.cliAction, inv.request.service.name).arg(inv.timeoutSeconds),
                              outcome.journalId > 0 ? QStringLiteral("the journal keeps it (entry %1); check it with `opsdeck journal`").arg(outcome.journalId)
                                                    : QString(),
                              std::nullopt};
        finish(ExitCode::Failed);
    });
    timeout.start(std::chrono::seconds(inv.timeoutSeconds));

    bool previewStarted = false;
    const auto startOnce = [&] {
        if (previewStarted || !outcome.status.isEmpty())
            return;
        previewStarted = true;
        startPreview();
    };
    QTimer kick; // permissionsChecked → preview, on the next turn of the loop
    kick.setSingleShot(true);
    kick.setInterval(0);
    QObject::connect(&kick, &QTimer::timeout, &loop, startOnce);
    if (provider->metaObject()->indexOfSlot("checkPermissions(Opsdeck::ServiceKey)") >= 0) {
        QObject::connect(provider.get(), SIGNAL(permissionsChecked(Opsdeck::ServiceKey)), &kick, SLOT(start()));
        QMetaObject::invokeMethod(provider.get(), "checkPermissions", Qt::QueuedConnection, Q_ARG(Opsdeck::ServiceKey, inv.request.service));
        QTimer::singleShot(std::chrono::seconds(15), &loop, startOnce); // no answer: the preview's own check decides
    } else {
        kick.start();
    }
    loop.exec();

    if (inv.json) {
        printOut(QString::fromUtf8(QJsonDocument(outcomeJson(inv, outcome)).toJson(QJsonDocument::Indented)));
    } else if (outcome.status == QLatin1String("previewed") && preview) {
        if (inv.dryRun) {
            for (const ActionChange &c : preview->changes)
                printOut(changeLine(c) + QLatin1Char('\n'));
            for (const QString &warning : preview->warnings)
                err(QStringLiteral("opsdeck act: warning: %1\n").arg(warning));
        } else {
            printPreview(inv, *preview);
        }
    } else if (outcome.status == QLatin1String("succeeded")) {
        printOut(QStringLiteral("%1 on %2: succeeded (journal entry %3)\n").arg(inv.cliAction, inv.request.service.name).arg(outcome.journalId));
        for (const ActionChange &c : outcome.changes)
            printOut(QStringLiteral("  %1\n").arg(changeLine(c)));
    }
    if (outcome.status == QLatin1String("previewed") && !inv.dryRun)
        printDiagnostic(Command, QStringLiteral("preview only, nothing was changed; run again with --yes to apply"));
    else if (outcome.error && outcome.status != QLatin1String("succeeded"))
        printDiagnostic(Command, QStringLiteral("%1: %2").arg(outcome.status, describeError(*outcome.error)));
    return outcome.exitCode;
}

} // namespace Opsdeck
