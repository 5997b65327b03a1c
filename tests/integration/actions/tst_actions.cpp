// Issue 6's actions end to end (DESIGN §8): the kubernetes plugin's action provider, loaded like the app
// loads it and living on its own thread, driven through the real ActionService and a Journal in a
// temporary folder, against a fresh opsdeck-sim per test. Real kubectl (the sim's kubeconfig, a fresh
// HOME and cache) reads every result back and makes the concurrent change of the 409 test.

#include "actionproviderfactory.h"
#include "actionservice.h"
#include "journal.h"
#include "observation.h"
#include "pluginloader.h"
#include "simprocess.h"

#include <QFile>
#include <QProcess>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

using namespace Opsdeck;

namespace {

const QString kNs = QStringLiteral("microservices");
const QString kAdmin = QStringLiteral("opsdeck-sim");
const QString kViewer = QStringLiteral("opsdeck-sim-viewer");

ServiceKey serviceKey(const QString &name, const QString &context = kAdmin)
{
    return ServiceKey{context, kNs, name};
}

ActionRequest makeRequest(const QString &action, const QString &service, const QVariantMap &parameters = {},
                          Track track = Track::Stable, const QString &context = kAdmin)
{
    ActionRequest r;
    r.actionId = action;
    r.service = serviceKey(service, context);
    r.track = track;
    r.parameters = parameters;
    return r;
}

const ActionChange *findChange(const QList<ActionChange> &changes, const QString &field)
{
    for (const ActionChange &c : changes) {
        if (c.field == field)
            return &c;
    }
    return nullptr;
}

QString describe(const QList<ActionChange> &changes)
{
    QStringList lines;
    for (const ActionChange &c : changes)
        lines << QStringLiteral("%1/%2 %3: %4 -> %5").arg(c.kind, c.name, c.field, c.from, c.to);
    return lines.join(u'\n');
}

} // namespace

// Receives a provider's extra signals (by name: the test does not link the plugin) on the test's thread.
class Receiver : public QObject
{
    Q_OBJECT

public:
    QList<ServiceKey> checked;
    QList<QVariantList> histories;
    QList<OperationStatus> statuses;

public Q_SLOTS:
    void onChecked(const Opsdeck::ServiceKey &service) { checked << service; }
    void onHistory(const Opsdeck::ServiceKey &, const QString &, const QVariantList &revisions) { histories << revisions; }
    void onStatus(const Opsdeck::OperationStatus &status) { statuses << status; }
};

// One provider on its own thread, as the app hosts it.
struct HostedProvider
{
    QThread thread;
    ActionProvider *provider = nullptr;

    ~HostedProvider() { stop(); }
    void stop()
    {
        if (provider) {
            QObject::connect(provider, &QObject::destroyed, &thread, &QThread::quit);
            provider->deleteLater();
            provider = nullptr;
            thread.wait(10000);
        }
        thread.quit();
        thread.wait(10000);
    }
};

class tst_Actions : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::unique_ptr<QTemporaryDir> m_testDir;
    std::unique_ptr<PluginLoader> m_plugins;
    ActionProviderFactory *m_factory = nullptr;
    std::unique_ptr<SimProcess> m_sim;
    QString m_kubeconfig;
    std::unique_ptr<Journal> m_journal;
    std::unique_ptr<ActionService> m_service;
    std::vector<std::unique_ptr<HostedProvider>> m_providers;

    QString journalPath() const { return m_testDir->filePath(QStringLiteral("journal.sqlite")); }

    bool startSim()
    {
        m_sim = std::make_unique<SimProcess>(QStringLiteral(OPSDECK_SIM_PATH), m_testDir->path());
        if (!m_sim->start({.speed = 20, .azure = false, .readyTimeoutMs = 30000})) {
            qWarning("%s", qPrintable(m_sim->errorString()));
            return false;
        }
        m_kubeconfig = m_sim->kubeconfigPath();
        return true;
    }

    void stopSim() { m_sim.reset(); }

    // A provider for `context` on its own thread, registered with the service.
    ActionProvider *addProvider(const QString &context, QVariantMap extra = {})
    {
        QVariantMap settings{{QStringLiteral("kubeconfig"), m_kubeconfig},
                             {QStringLiteral("context"), context},
                             {QStringLiteral("namespace"), kNs},
                             {QStringLiteral("rolloutPollMs"), 200},
                             {QStringLiteral("rolloutTimeoutSeconds"), 180}};
        settings.insert(extra);
        std::unique_ptr<ActionProvider> made = m_factory->createActionProvider(SourceConfig{context, settings});
        if (!made)
            return nullptr;
        auto hosted = std::make_unique<HostedProvider>();
        hosted->provider = made.release();
        hosted->provider->moveToThread(&hosted->thread);
        hosted->thread.start();
        m_service->addProvider(hosted->provider);
        ActionProvider *provider = hosted->provider;
        m_providers.push_back(std::move(hosted));
        return provider;
    }

    void dropProviders()
    {
        for (auto &hosted : m_providers) {
            if (m_service && hosted->provider)
                m_service->removeProvider(hosted->provider);
            hosted->stop();
        }
        m_providers.clear();
    }

    bool openService()
    {
        m_journal = std::make_unique<Journal>();
        if (!m_journal->open(journalPath()))
            return false;
        m_service = std::make_unique<ActionService>(*m_journal);
        m_service->setUserResolver([](const ServiceKey &key) {
            return key.context == kViewer ? QStringLiteral("viewer") : QStringLiteral("admin");
        });
        return true;
    }

    // ---- kubectl ----

    QPair<int, QString> kubectl(const QStringList &args, const QString &kubeconfig = {})
    {
        QProcess p;
        p.setProgram(QStringLiteral(OPSDECK_KUBECTL));
        p.setArguments(QStringList{QStringLiteral("--kubeconfig"), kubeconfig.isEmpty() ? m_kubeconfig : kubeconfig, QStringLiteral("--cache-dir"),
                                   m_testDir->filePath(QStringLiteral("kube-cache")), QStringLiteral("--request-timeout=30s"),
                                   QStringLiteral("-n"), kNs}
                       + args);
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("HOME"), m_testDir->path()); // nothing written into the real home
        env.remove(QStringLiteral("KUBECONFIG"));
        p.setProcessEnvironment(env);
        p.start();
        if (!p.waitForStarted(10000))
            return {-1, p.errorString()};
        if (!p.waitForFinished(60000)) {
            p.kill();
            p.waitForFinished();
            return {-1, QStringLiteral("kubectl timed out")};
        }
        const QString output = QString::fromUtf8(p.readAllStandardOutput() + p.readAllStandardError()).trimmed();
        return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, output};
    }

    // One field by jsonpath, e.g. get("ingress/productservice-canary", "{.metadata.resourceVersion}").
    QString get(const QString &object, const QString &jsonpath)
    {
        const auto [rc, out] = kubectl({QStringLiteral("get"), object, QStringLiteral("-o"), QStringLiteral("jsonpath=") + jsonpath});
        return rc == 0 ? out : QStringLiteral("<kubectl failed: %1>").arg(out);
    }

    QString canaryWeight() { return get(QStringLiteral("ingress/productservice-canary"), QStringLiteral("{.metadata.annotations.nginx\\.ingress\\.kubernetes\\.io/canary-weight}")); }
    QString image(const QString &deployment) { return get(QStringLiteral("deployment/") + deployment, QStringLiteral("{.spec.template.spec.containers[0].image}")); }
    QString replicas(const QString &deployment) { return get(QStringLiteral("deployment/") + deployment, QStringLiteral("{.spec.replicas}")); }

    // ---- the action flow ----

    // Previews and waits for the answer: the preview, or nullopt with `refusal` set.
    std::optional<ActionPreview> preview(const ActionRequest &request, Error *refusal = nullptr, QUuid *id = nullptr)
    {
        QSignalSpy ready(m_service.get(), &ActionService::previewReady);
        QSignalSpy refused(m_service.get(), &ActionService::refused);
        QSignalSpy failed(m_service.get(), &ActionService::failed);
        auto requestId = m_service->preview(request);
        if (!requestId) {
            if (refusal)
                *refusal = requestId.error();
            return std::nullopt;
        }
        if (id)
            *id = *requestId;
        QDeadlineTimer deadline(60000);
        while (!deadline.hasExpired() && ready.isEmpty() && refused.isEmpty() && failed.isEmpty())
            ready.wait(100);
        if (!ready.isEmpty())
            return ready.first().first().value<ActionPreview>();
        if (refusal && !refused.isEmpty())
            *refusal = refused.first().at(1).value<Error>();
        if (refusal && !failed.isEmpty())
            *refusal = failed.first().at(1).value<Error>();
        return std::nullopt;
    }

    // Confirms and waits until the operation is final; `progress` collects every status on the way.
    std::optional<OperationStatus> confirm(const QUuid &id, const ActionService::Confirmation &how,
                                           QList<OperationStatus> *progress = nullptr, int timeoutMs = 180000)
    {
        QSignalSpy finished(m_service.get(), &ActionService::finished);
        QSignalSpy changed(m_service.get(), &ActionService::operationChanged);
        auto journalId = m_service->confirm(id, how);
        if (!journalId) {
            qWarning().noquote() << "confirm refused:" << toString(journalId.error());
            return std::nullopt;
        }
        return waitFinished(id, finished, changed, progress, timeoutMs);
    }

    std::optional<OperationStatus> waitFinished(const QUuid &id, QSignalSpy &finished, QSignalSpy &changed,
                                                QList<OperationStatus> *progress, int timeoutMs)
    {
        QDeadlineTimer deadline(timeoutMs);
        while (!deadline.hasExpired()) {
            for (const auto &args : std::as_const(finished)) {
                const auto status = args.first().value<OperationStatus>();
                if (status.requestId == id) {
                    if (progress) {
                        for (const auto &c : std::as_const(changed))
                            progress->append(c.first().value<OperationStatus>());
                    }
                    return status;
                }
            }
            finished.wait(100);
        }
        return std::nullopt;
    }

    ActionService::Confirmation typed(const QString &name)
    {
        return {ActionService::Confirmation::Method::TypedName, name};
    }

    std::optional<JournalEntry> journalFor(const QUuid &requestId)
    {
        auto all = m_journal->entries();
        if (!all)
            return std::nullopt;
        for (const JournalEntry &e : *all) {
            if (e.requestId == requestId)
                return e;
        }
        return std::nullopt;
    }

private Q_SLOTS:
    void initTestCase()
    {
        registerObservationMetaTypes();
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY(m_dir.isValid());
        QVERIFY2(QFile::exists(QStringLiteral(OPSDECK_SIM_PATH)), OPSDECK_SIM_PATH " not built");
        QVERIFY2(QFile::exists(QStringLiteral(OPSDECK_KUBECTL)), OPSDECK_KUBECTL " is missing (scripts/setup installs it)");
        m_plugins = std::make_unique<PluginLoader>(QStringList{QStringLiteral(OPSDECK_PLUGIN_BUILD_DIR)});
        m_plugins->load();
        bool listed = false;
        for (const PluginInfo &info : m_plugins->plugins()) {
            if (info.id == u"kubernetes") {
                listed = true;
                QCOMPARE(info.actions, QStringList({QStringLiteral("canary-weight"), QStringLiteral("promote"),
                                                    QStringLiteral("abort"), QStringLiteral("rollout-undo"),
                                                    QStringLiteral("scale"), QStringLiteral("restart")}));
            }
        }
        QVERIFY(listed);
        m_factory = m_plugins->actionProviderFactory(QStringLiteral("kubernetes"));
        QVERIFY(m_factory);
    }

    void init()
    {
        m_testDir = std::make_unique<QTemporaryDir>(m_dir.filePath(QStringLiteral("XXXXXX")));
        QVERIFY(m_testDir->isValid());
        QVERIFY2(startSim(), "opsdeck-sim did not start");
        QVERIFY(openService());
    }

    void cleanup()
    {
        dropProviders();
        m_service.reset();
        m_journal.reset();
        stopSim();
        m_testDir.reset();
    }

    // Permission first, then the dry run shown as a diff; apply; kubectl reads the new weight back.
    void canaryWeightOnTheNginxIngress()
    {
        ActionProvider *provider = addProvider(kAdmin);
        QVERIFY(provider);
        Receiver receiver;
        QVERIFY(connect(provider, SIGNAL(permissionsChecked(Opsdeck::ServiceKey)), &receiver,
                        SLOT(onChecked(Opsdeck::ServiceKey))));
        QVERIFY(QMetaObject::invokeMethod(provider, "checkPermissions", Qt::QueuedConnection,
                                          Q_ARG(Opsdeck::ServiceKey, serviceKey(QStringLiteral("productservice")))));
        QTRY_VERIFY_WITH_TIMEOUT(!receiver.checked.isEmpty(), 30000);
        const auto actions = m_service->actionsFor(serviceKey(QStringLiteral("productservice")));
        QCOMPARE(actions.size(), 6);
        for (const ActionDescriptor &d : actions)
            QVERIFY2(d.available, qPrintable(d.id + QStringLiteral(": ") + d.unavailableReason));

        QCOMPARE(canaryWeight(), QStringLiteral("10"));
        QUuid id;
        const auto p = preview(makeRequest(QStringLiteral("canary-weight"), QStringLiteral("productservice"),
                                           {{QStringLiteral("weight"), 50}}),
                               nullptr, &id);
        QVERIFY(p);
        QVERIFY(p->allowed);
        QVERIFY(!p->destructive);
        QCOMPARE(p->steps.size(), 1);
        const ActionChange *c = findChange(p->changes, QStringLiteral("annotations.nginx.ingress.kubernetes.io/canary-weight"));
        QVERIFY2(c, qPrintable(describe(p->changes)));
        QCOMPARE(c->kind, QStringLiteral("Ingress"));
        QCOMPARE(c->name, QStringLiteral("productservice-canary"));
        QCOMPARE(c->from, QStringLiteral("10"));
        QCOMPARE(c->to, QStringLiteral("50"));
        QCOMPARE(p->changes.size(), 1); // nothing else moves
        QCOMPARE(canaryWeight(), QStringLiteral("10")); // the dry run stored nothing

        const auto done = confirm(id, {});
        QVERIFY(done);
        QVERIFY2(done->state == OperationStatus::State::Succeeded, qPrintable(done->message));
        QCOMPARE(canaryWeight(), QStringLiteral("50"));
        const auto entry = journalFor(id);
        QVERIFY(entry);
        QCOMPARE(toString(entry->status), toString(JournalStatus::Succeeded));
        QCOMPARE(entry->user, QStringLiteral("admin"));
        QCOMPARE(entry->steps.size(), 1);
        QVERIFY2(entry->steps[0].request.startsWith(
                     QStringLiteral("PATCH /apis/networking.k8s.io/v1/namespaces/microservices/ingresses/productservice-canary")),
                 qPrintable(entry->steps[0].request));
        QVERIFY(entry->steps[0].request.contains(u"resourceVersion")); // pinned to what the preview showed
        QCOMPARE(entry->steps[0].httpStatus, 200);
        QVERIFY(findChange(entry->result, QStringLiteral("annotations.nginx.ingress.kubernetes.io/canary-weight")));

        // 100 % is a full-traffic step: the service name must be typed.
        QUuid full;
        const auto all = preview(makeRequest(QStringLiteral("canary-weight"), QStringLiteral("productservice"),
                                             {{QStringLiteral("weight"), 100}}),
                                 nullptr, &full);
        QVERIFY(all);
        QVERIFY(all->destructive);
        QVERIFY(m_service->needsTypedConfirmation(full));
        QVERIFY(!m_service->confirm(full, {}));
        const auto applied = confirm(full, typed(QStringLiteral("productservice")));
        QVERIFY(applied && applied->state == OperationStatus::State::Succeeded);
        QCOMPARE(canaryWeight(), QStringLiteral("100"));

        // An invalid value is refused before anything is sent.
        Error refusal;
        QVERIFY(!preview(makeRequest(QStringLiteral("canary-weight"), QStringLiteral("productservice"),
                                     {{QStringLiteral("weight"), 140}}),
                         &refusal));
        QVERIFY2(refusal.message.contains(u"140"), qPrintable(refusal.message));
    }

    // notificationservice routes with a Gateway API HTTPRoute: the weights of its backendRefs move.
    void canaryWeightOnTheHttpRoute()
    {
        QVERIFY(addProvider(kAdmin));
        const QString weights = QStringLiteral("{.spec.rules[0].backendRefs[*].weight}");
        QCOMPARE(get(QStringLiteral("httproute/notificationservice"), weights), QStringLiteral("90 10"));
        QUuid id;
        const auto p = preview(makeRequest(QStringLiteral("canary-weight"), QStringLiteral("notificationservice"),
                                           {{QStringLiteral("weight"), 25}}),
                               nullptr, &id);
        QVERIFY(p && p->allowed);
        const ActionChange *canary = findChange(p->changes, QStringLiteral("spec.rules[0].backendRefs[notificationservice-canary].weight"));
        QVERIFY2(canary, qPrintable(describe(p->changes)));
        QCOMPARE(canary->kind, QStringLiteral("HTTPRoute"));
        QCOMPARE(canary->from, QStringLiteral("10"));
        QCOMPARE(canary->to, QStringLiteral("25"));
        const auto done = confirm(id, {});
        QVERIFY(done && done->state == OperationStatus::State::Succeeded);
        QCOMPARE(get(QStringLiteral("httproute/notificationservice"), weights), QStringLiteral("75 25"));
    }

    // Every preview is a server-side dry run: kubectl sees the same objects, same resourceVersions.
    void dryRunChangesNothing()
    {
        QVERIFY(addProvider(kAdmin));
        // What a write would move: the stable template (the HPA may change its replicas meanwhile, so
        // not its generation), the canary's generation, the Ingress' resourceVersion.
        const auto state = [this] {
            return get(QStringLiteral("deployment/productservice-stable"), QStringLiteral("{.spec.template}")) + u'\n'
                   + get(QStringLiteral("deployment/productservice-canary"), QStringLiteral("{.metadata.generation}")) + u' '
                   + get(QStringLiteral("ingress/productservice-canary"), QStringLiteral("{.metadata.resourceVersion}"));
        };
        const QString before = state();
        const QString stableImage = image(QStringLiteral("productservice-stable"));

        const auto scale = preview(makeRequest(QStringLiteral("scale"), QStringLiteral("productservice"),
                                               {{QStringLiteral("replicas"), 5}}));
        QVERIFY(scale && scale->allowed);
        const ActionChange *r = findChange(scale->changes, QStringLiteral("spec.replicas"));
        QVERIFY2(r, qPrintable(describe(scale->changes)));
        QCOMPARE(r->to, QStringLiteral("5"));
        // The HPA will take over again: the preview says so, with its bounds.
        QVERIFY2(scale->warnings.join(u'\n').contains(u"min 2, max 10"), qPrintable(scale->warnings.join(u'\n')));

        const auto restart = preview(makeRequest(QStringLiteral("restart"), QStringLiteral("productservice")));
        QVERIFY(restart && restart->allowed);
        QVERIFY2(findChange(restart->changes, QStringLiteral("spec.template.metadata.annotations.kubectl.kubernetes.io/restartedAt")),
                 qPrintable(describe(restart->changes)));

        const auto undo = preview(makeRequest(QStringLiteral("rollout-undo"), QStringLiteral("productservice")));
        QVERIFY(undo && undo->allowed);
        QVERIFY(undo->destructive);
        const ActionChange *img = findChange(undo->changes, QStringLiteral("spec.template.spec.containers[productservice].image"));
        QVERIFY2(img, qPrintable(describe(undo->changes)));
        QCOMPARE(img->from, stableImage);
        QVERIFY2(img->to.endsWith(u":1.4.0"), qPrintable(img->to));

        const auto promote = preview(makeRequest(QStringLiteral("promote"), QStringLiteral("productservice")));
        QVERIFY(promote && promote->allowed && promote->destructive);
        QCOMPARE(promote->steps.size(), 4);

        QCOMPARE(state(), before);
        QCOMPARE(image(QStringLiteral("productservice-stable")), stableImage);
        QCOMPARE(canaryWeight(), QStringLiteral("10"));
    }

    // The viewer may read but not act: the buttons say why, a preview is refused and journaled, and an
    // attempt that reaches the server gets its 403, journaled as refused.
    void viewerIsRefused()
    {
        ActionProvider *provider = addProvider(kViewer);
        QVERIFY(provider);
        const ServiceKey product = serviceKey(QStringLiteral("productservice"), kViewer);
        Receiver receiver;
        QVERIFY(connect(provider, SIGNAL(permissionsChecked(Opsdeck::ServiceKey)), &receiver,
                        SLOT(onChecked(Opsdeck::ServiceKey))));
        QVERIFY(QMetaObject::invokeMethod(provider, "checkPermissions", Qt::QueuedConnection, Q_ARG(Opsdeck::ServiceKey, product)));
        QTRY_VERIFY_WITH_TIMEOUT(!receiver.checked.isEmpty(), 30000);
        QCOMPARE(receiver.checked.first(), product);
        const auto actions = m_service->actionsFor(product);
        QCOMPARE(actions.size(), 6);
        for (const ActionDescriptor &d : actions) {
            QVERIFY2(!d.available, qPrintable(d.id));
            if (d.id == u"canary-weight")
                QCOMPARE(d.unavailableReason, QStringLiteral("viewer cannot patch ingresses in microservices"));
            if (d.id == u"scale")
                QCOMPARE(d.unavailableReason, QStringLiteral("viewer cannot patch deployments/scale in microservices"));
        }

        // A preview from another client of the same service (no cached answer): the review says no.
        ActionProvider *fresh = addProvider(kViewer);
        m_service->removeProvider(provider);
        QVERIFY(fresh);
        Error refusal;
        QUuid id;
        QVERIFY(!preview(makeRequest(QStringLiteral("canary-weight"), QStringLiteral("productservice"),
                                     {{QStringLiteral("weight"), 50}}, Track::Canary, kViewer),
                         &refusal, &id));
        QCOMPARE(toString(refusal.kind), toString(ErrorKind::Forbidden));
        QVERIFY2(refusal.message.contains(u"viewer cannot patch ingresses in microservices"), qPrintable(refusal.message));
        auto entry = journalFor(id);
        QVERIFY(entry);
        QCOMPARE(toString(entry->status), toString(JournalStatus::Refused));
        QCOMPARE(entry->user, QStringLiteral("viewer"));

        // Without the review (a server that has no authorization API) the write itself meets the 403.
        m_service->removeProvider(fresh);
        ActionProvider *blind = addProvider(kViewer, {{QStringLiteral("accessReview"), false}});
        QVERIFY(blind);
        QUuid direct;
        QVERIFY(!preview(makeRequest(QStringLiteral("scale"), QStringLiteral("productservice"),
                                     {{QStringLiteral("replicas"), 4}}, Track::Canary, kViewer),
                         &refusal, &direct));
        qInfo().noquote() << "viewer dry run →" << refusal.message;
        QVERIFY2(refusal.message.contains(u"forbidden"), qPrintable(refusal.message));
        entry = journalFor(direct);
        QVERIFY(entry);
        QCOMPARE(toString(entry->status), toString(JournalStatus::Refused));

        // execute() called straight, without any preview: the PATCH itself is answered 403 → Refused.
        QVERIFY(connect(blind, &ActionProvider::operationChanged, &receiver, &Receiver::onStatus));
        ActionRequest request = makeRequest(QStringLiteral("scale"), QStringLiteral("productservice"),
                                            {{QStringLiteral("replicas"), 4}}, Track::Canary, kViewer);
        request.id = QUuid::createUuid();
        QMetaObject::invokeMethod(blind, [blind, request] { blind->execute(request); }, Qt::QueuedConnection);
        QTRY_VERIFY_WITH_TIMEOUT(!receiver.statuses.isEmpty() && receiver.statuses.last().isFinal(), 30000);
        const OperationStatus status = receiver.statuses.last();
        QVERIFY2(status.state == OperationStatus::State::Refused, qPrintable(status.message));
        QCOMPARE(status.steps.size(), 1);
        QCOMPARE(status.steps[0].httpStatus, 403);
        QVERIFY(status.error && status.error->kind == ErrorKind::Forbidden);

        QCOMPARE(replicas(QStringLiteral("productservice-canary")), QStringLiteral("1"));
        QCOMPARE(canaryWeight(), QStringLiteral("10"));
    }

    // kubectl changes the weight between preview and confirm: the pinned resourceVersion makes it a 409,
    // refused with what changed; a new preview shows the current value and applies.
    void concurrentChangeIsAConflict()
    {
        QVERIFY(addProvider(kAdmin));
        QUuid id;
        const auto p = preview(makeRequest(QStringLiteral("canary-weight"), QStringLiteral("productservice"),
                                           {{QStringLiteral("weight"), 25}}),
                               nullptr, &id);
        QVERIFY(p && p->allowed);
        const auto [rc, out] = kubectl({QStringLiteral("annotate"), QStringLiteral("--overwrite"),
                                        QStringLiteral("ingress/productservice-canary"),
                                        QStringLiteral("nginx.ingress.kubernetes.io/canary-weight=30")});
        QVERIFY2(rc == 0, qPrintable(out));

        const auto refused = confirm(id, {});
        QVERIFY(refused);
        QVERIFY2(refused->state == OperationStatus::State::Refused, qPrintable(refused->message));
        QVERIFY(refused->error && refused->error->kind == ErrorKind::Conflict);
        qInfo().noquote() << "409 →" << refused->message << "|" << refused->error->hint;
        QVERIFY2(refused->message.contains(u"canary-weight is now 30 (was 10)"), qPrintable(refused->message));
        QCOMPARE(refused->steps.value(0).httpStatus, 409);
        auto entry = journalFor(id);
        QVERIFY(entry);
        QCOMPARE(toString(entry->status), toString(JournalStatus::Refused));
        QCOMPARE(canaryWeight(), QStringLiteral("30")); // kubectl's value stands

        // The re-apply path: preview again (it shows 30 → 25), confirm.
        QUuid again;
        const auto second = preview(makeRequest(QStringLiteral("canary-weight"), QStringLiteral("productservice"),
                                                {{QStringLiteral("weight"), 25}}),
                                    nullptr, &again);
        QVERIFY(second && second->allowed);
        const ActionChange *c = findChange(second->changes, QStringLiteral("annotations.nginx.ingress.kubernetes.io/canary-weight"));
        QVERIFY(c);
        QCOMPARE(c->from, QStringLiteral("30"));
        const auto applied = confirm(again, {});
        QVERIFY(applied && applied->state == OperationStatus::State::Succeeded);
        QCOMPARE(canaryWeight(), QStringLiteral("25"));
    }

    // Promote: template onto stable, wait for its rollout, weight 0, canary to 0 — four journaled steps.
    void promoteEndToEnd()
    {
        QVERIFY(addProvider(kAdmin));
        const QString canaryImage = image(QStringLiteral("productservice-canary"));
        QVERIFY(canaryImage.endsWith(u":1.5.0-rc1"));
        QUuid id;
        const auto p = preview(makeRequest(QStringLiteral("promote"), QStringLiteral("productservice")), nullptr, &id);
        QVERIFY(p && p->allowed);
        QCOMPARE(p->steps.size(), 4);
        const ActionChange *img = findChange(p->changes, QStringLiteral("spec.template.spec.containers[productservice].image"));
        QVERIFY2(img, qPrintable(describe(p->changes)));
        QCOMPARE(img->to, canaryImage);
        qInfo().noquote() << "promote preview:\n" << describe(p->changes) << "\nwarnings:" << p->warnings;
        QVERIFY(!m_service->confirm(id, {})); // promote needs the name typed
        QList<OperationStatus> progress;
        const auto done = confirm(id, typed(QStringLiteral("productservice")), &progress);
        QVERIFY(done);
        QVERIFY2(done->state == OperationStatus::State::Succeeded, qPrintable(done->message));
        QCOMPARE(done->percent, 100);
        QCOMPARE(done->steps.size(), 4);
        for (const ActionStep &s : done->steps)
            QVERIFY2(s.state == ActionStep::State::Succeeded, qPrintable(s.title));
        QVERIFY(done->steps[1].response.contains(u"successfully rolled out"));
        for (const ActionStep &s : done->steps)
            qInfo().noquote() << "step:" << s.title << "|" << s.request.left(160) << "|" << s.httpStatus << s.response;
        // Progress went up step by step.
        int last = -1;
        for (const OperationStatus &s : progress) {
            QVERIFY(s.percent >= last);
            last = s.percent;
        }

        QCOMPARE(image(QStringLiteral("productservice-stable")), canaryImage);
        QCOMPARE(get(QStringLiteral("deployment/productservice-stable"), QStringLiteral("{.spec.template.metadata.labels.version}")),
                 QStringLiteral("stable"));
        QCOMPARE(get(QStringLiteral("deployment/productservice-stable"),
                     QStringLiteral("{.spec.template.spec.containers[0].env[?(@.name==\"DEPLOYMENT_TRACK\")].value}")),
                 QStringLiteral("stable"));
        QCOMPARE(canaryWeight(), QStringLiteral("0"));
        QCOMPARE(replicas(QStringLiteral("productservice-canary")), QStringLiteral("0"));
        const auto [rc, out] = kubectl({QStringLiteral("rollout"), QStringLiteral("status"),
                                        QStringLiteral("deployment/productservice-stable"), QStringLiteral("--timeout=60s")});
        QVERIFY2(rc == 0 && out.contains(u"successfully rolled out"), qPrintable(out));

        const auto entry = journalFor(id);
        QVERIFY(entry);
        QCOMPARE(toString(entry->status), toString(JournalStatus::Succeeded));
        QCOMPARE(entry->confirmation, QStringLiteral("typed productservice"));
        QCOMPARE(entry->steps.size(), 4);
        for (const ActionStep &s : entry->steps) {
            QVERIFY2(!s.request.isEmpty() && !s.response.isEmpty(), qPrintable(s.title));
            QVERIFY(s.started.isValid() && s.finished.isValid());
        }
    }

    void abortEndToEnd()
    {
        QVERIFY(addProvider(kAdmin));
        QUuid id;
        const auto p = preview(makeRequest(QStringLiteral("abort"), QStringLiteral("productservice")), nullptr, &id);
        QVERIFY(p && p->allowed);
        QCOMPARE(p->steps.size(), 2);
        QVERIFY(findChange(p->changes, QStringLiteral("annotations.nginx.ingress.kubernetes.io/canary-weight")));
        QVERIFY(findChange(p->changes, QStringLiteral("spec.replicas")));
        const auto done = confirm(id, {});
        QVERIFY(done && done->state == OperationStatus::State::Succeeded);
        QCOMPARE(canaryWeight(), QStringLiteral("0"));
        QCOMPARE(replicas(QStringLiteral("productservice-canary")), QStringLiteral("0"));
        const auto entry = journalFor(id);
        QVERIFY(entry);
        QCOMPARE(entry->steps.size(), 2);
        QCOMPARE(entry->steps[0].httpStatus, 200);
        QVERIFY(entry->steps[1].request.contains(u"/deployments/productservice-canary/scale"));
        QCOMPARE(entry->steps[1].httpStatus, 200);
    }

    // rollout undo as kubectl does it: previous revision, a chosen one, the history, the refusals.
    void rolloutUndo()
    {
        ActionProvider *provider = addProvider(kAdmin);
        QVERIFY(provider);
        Receiver receiver;
        QVERIFY(connect(provider, SIGNAL(revisionHistoryReady(Opsdeck::ServiceKey, QString, QVariantList)), &receiver,
                        SLOT(onHistory(Opsdeck::ServiceKey, QString, QVariantList))));
        QVERIFY(QMetaObject::invokeMethod(provider, "requestRevisionHistory", Qt::QueuedConnection,
                                          Q_ARG(Opsdeck::ServiceKey, serviceKey(QStringLiteral("productservice"))),
                                          Q_ARG(QString, QStringLiteral("stable"))));
        QTRY_VERIFY_WITH_TIMEOUT(!receiver.histories.isEmpty(), 30000);
        const QVariantList revisions = receiver.histories.first();
        QCOMPARE(revisions.size(), 4); // 1.2.0, 1.3.1, 1.4.0 and the current 1.4.2
        const QVariantMap newest = revisions.first().toMap();
        QCOMPARE(newest.value(QStringLiteral("revision")).toLongLong(), 4);
        QVERIFY(newest.value(QStringLiteral("current")).toBool());
        QVERIFY(newest.value(QStringLiteral("image")).toString().endsWith(u":1.4.2"));
        QCOMPARE(newest.value(QStringLiteral("changeCause")).toString(), QStringLiteral("Release 1.4.2: faster catalogue search"));
        QVERIFY(newest.value(QStringLiteral("created")).toDateTime().isValid());
        QVERIFY(revisions.last().toMap().value(QStringLiteral("image")).toString().endsWith(u":1.2.0"));

        QUuid id;
        const auto p = preview(makeRequest(QStringLiteral("rollout-undo"), QStringLiteral("productservice")), nullptr, &id);
        QVERIFY(p && p->allowed);
        const auto done = confirm(id, typed(QStringLiteral("productservice")));
        QVERIFY(done);
        QVERIFY2(done->state == OperationStatus::State::Succeeded, qPrintable(done->message));
        QVERIFY(done->steps.value(0).request.contains(u"\"op\":\"replace\",\"path\":\"/spec/template\""));
        QVERIFY2(image(QStringLiteral("productservice-stable")).endsWith(u":1.4.0"), qPrintable(image(QStringLiteral("productservice-stable"))));
        // The controller reuses the old ReplicaSet and gives it the next revision, as kubectl shows.
        QTRY_COMPARE_WITH_TIMEOUT(get(QStringLiteral("deployment/productservice-stable"),
                                      QStringLiteral("{.metadata.annotations.deployment\\.kubernetes\\.io/revision}")),
                                  QStringLiteral("5"), 30000);
        const auto [rc, out] = kubectl({QStringLiteral("rollout"), QStringLiteral("history"), QStringLiteral("deployment/productservice-stable")});
        QVERIFY2(rc == 0 && out.contains(u"5 "), qPrintable(out));

        // A chosen revision.
        QUuid chosen;
        QVERIFY(preview(makeRequest(QStringLiteral("rollout-undo"), QStringLiteral("productservice"),
                                    {{QStringLiteral("toRevision"), 2}}),
                        nullptr, &chosen));
        const auto second = confirm(chosen, typed(QStringLiteral("productservice")));
        QVERIFY(second && second->state == OperationStatus::State::Succeeded);
        QVERIFY(image(QStringLiteral("productservice-stable")).endsWith(u":1.3.1"));

        // A revision that does not exist: refused in kubectl's words, journaled.
        Error refusal;
        QUuid missing;
        QVERIFY(!preview(makeRequest(QStringLiteral("rollout-undo"), QStringLiteral("productservice"),
                                     {{QStringLiteral("toRevision"), 99}}),
                         &refusal, &missing));
        QVERIFY2(refusal.message.contains(u"unable to find specified revision 99 in history"), qPrintable(refusal.message));
        const auto entry = journalFor(missing);
        QVERIFY(entry);
        QCOMPARE(toString(entry->status), toString(JournalStatus::Refused));

        // The canary has one older revision: undo it, kubectl agrees.
        QUuid canary;
        QVERIFY(preview(makeRequest(QStringLiteral("rollout-undo"), QStringLiteral("productservice"), {}, Track::Canary),
                        nullptr, &canary));
        const auto third = confirm(canary, typed(QStringLiteral("productservice")));
        QVERIFY(third && third->state == OperationStatus::State::Succeeded);
        QVERIFY(image(QStringLiteral("productservice-canary")).endsWith(u":1.5.0-beta2"));
    }

    // The same undo by kubectl on a second sim of the same seed: the Deployment ends up the same.
    void rolloutUndoMatchesKubectl()
    {
        QVERIFY(addProvider(kAdmin));
        QTemporaryDir otherDir(m_testDir->filePath(QStringLiteral("other-XXXXXX")));
        SimProcess other(QStringLiteral(OPSDECK_SIM_PATH), otherDir.path());
        QVERIFY2(other.start({.speed = 20, .azure = false, .readyTimeoutMs = 30000}), qPrintable(other.errorString()));
        const QString otherKubeconfig = other.kubeconfigPath();

        for (const QString &deployment : {QStringLiteral("orderservice-stable"), QStringLiteral("notificationservice-stable")}) {
            const QString service = deployment.section(u'-', 0, 0);
            QUuid id;
            QVERIFY(preview(makeRequest(QStringLiteral("rollout-undo"), service), nullptr, &id));
            const auto done = confirm(id, typed(service));
            QVERIFY2(done && done->state == OperationStatus::State::Succeeded, done ? qPrintable(done->message) : "no answer");
            const auto [rc, text] = kubectl({QStringLiteral("rollout"), QStringLiteral("undo"), QStringLiteral("deployment/") + deployment},
                                            otherKubeconfig);
            QVERIFY2(rc == 0 && text.contains(u"rolled back"), qPrintable(text));
            // Template and annotations (the revision once each controller has caught up) agree.
            // kubectl's Go types write the template's empty creationTimestamp as null (a real API server
            // shows it on every template); the sim keeps what it was sent. Equal otherwise.
            const auto read = [&](const QString &kubeconfig) {
                return kubectl({QStringLiteral("get"), QStringLiteral("deployment/") + deployment, QStringLiteral("-o"),
                                QStringLiteral("jsonpath={.spec.template}{\"\\n\"}{.metadata.annotations}")},
                               kubeconfig)
                    .second.remove(QStringLiteral("\"creationTimestamp\":null,"));
            };
            QVERIFY(read({}).contains(u"\"containers\""));
            QString ours = read({});
            QString theirs = read(otherKubeconfig);
            for (QDeadlineTimer deadline(20000); ours != theirs && !deadline.hasExpired(); QTest::qWait(500)) {
                ours = read({});
                theirs = read(otherKubeconfig);
            }
            QCOMPARE(ours, theirs);
        }
        other.stop();
    }

    void scaleAndRestart()
    {
        QVERIFY(addProvider(kAdmin));
        // The canary has no HPA, so the new count stays for kubectl to read.
        QUuid id;
        const auto p = preview(makeRequest(QStringLiteral("scale"), QStringLiteral("productservice"),
                                           {{QStringLiteral("replicas"), 3}}, Track::Canary),
                               nullptr, &id);
        QVERIFY(p && p->allowed && !p->destructive);
        QVERIFY(p->warnings.isEmpty());
        const auto done = confirm(id, {});
        QVERIFY(done && done->state == OperationStatus::State::Succeeded);
        QCOMPARE(replicas(QStringLiteral("productservice-canary")), QStringLiteral("3"));

        // Scale to 0 needs the name typed.
        QUuid zero;
        const auto z = preview(makeRequest(QStringLiteral("scale"), QStringLiteral("productservice"),
                                           {{QStringLiteral("replicas"), 0}, {QStringLiteral("track"), QStringLiteral("canary")}}),
                               nullptr, &zero);
        QVERIFY(z && z->destructive);
        const auto zeroed = confirm(zero, typed(QStringLiteral("productservice")));
        QVERIFY(zeroed && zeroed->state == OperationStatus::State::Succeeded);
        QCOMPARE(replicas(QStringLiteral("productservice-canary")), QStringLiteral("0"));

        // Restart: the pod template's restartedAt, as kubectl rollout restart sets it.
        const QDateTime before = QDateTime::currentDateTimeUtc().addSecs(-1);
        QUuid restart;
        QVERIFY(preview(makeRequest(QStringLiteral("restart"), QStringLiteral("orderservice")), nullptr, &restart));
        const auto restarted = confirm(restart, {});
        QVERIFY(restarted && restarted->state == OperationStatus::State::Succeeded);
        const QString stamp = get(QStringLiteral("deployment/orderservice-stable"),
                                  QStringLiteral("{.spec.template.metadata.annotations.kubectl\\.kubernetes\\.io/restartedAt}"));
        const QDateTime at = QDateTime::fromString(stamp, Qt::ISODate);
        QVERIFY2(at.isValid() && at >= before.addSecs(-1), qPrintable(stamp));
        const auto [rc, out] = kubectl({QStringLiteral("rollout"), QStringLiteral("status"),
                                        QStringLiteral("deployment/orderservice-stable"), QStringLiteral("--timeout=90s")});
        QVERIFY2(rc == 0, qPrintable(out));
    }

    // The app goes away right after promote's first step: the next start finds the action interrupted
    // in the journal, reads the cluster back and finishes it from the first step not yet true.
    void interruptedPromoteIsResumed()
    {
        ActionProvider *provider = addProvider(kAdmin, {{QStringLiteral("rolloutPollMs"), 5000}});
        QVERIFY(provider);
        QUuid id;
        QVERIFY(preview(makeRequest(QStringLiteral("promote"), QStringLiteral("productservice")), nullptr, &id));
        QSignalSpy changed(m_service.get(), &ActionService::operationChanged);
        QVERIFY(m_service->confirm(id, typed(QStringLiteral("productservice"))));
        const auto firstStepDone = [&] {
            for (const auto &args : std::as_const(changed)) {
                const auto s = args.first().value<OperationStatus>();
                if (s.steps.size() == 4 && s.steps[0].state == ActionStep::State::Succeeded)
                    return true;
            }
            return false;
        };
        QTRY_VERIFY_WITH_TIMEOUT(firstStepDone(), 30000);
        const QString canaryImage = image(QStringLiteral("productservice-canary"));

        // "Exit": the provider and the service go, the journal closes with the action still started.
        dropProviders();
        m_service.reset();
        m_journal.reset();

        QVERIFY(openService());
        auto interrupted = m_service->interrupted();
        QVERIFY(interrupted);
        QCOMPARE(interrupted->size(), 1);
        const JournalEntry entry = interrupted->first();
        QCOMPARE(entry.requestId, id);
        QCOMPARE(entry.steps.size(), 4);
        QVERIFY(entry.steps[0].state == ActionStep::State::Succeeded);
        QVERIFY(entry.steps[3].state == ActionStep::State::Pending);
        QCOMPARE(canaryWeight(), QStringLiteral("10")); // nothing after step 1 happened

        QVERIFY(addProvider(kAdmin));
        QSignalSpy finished(m_service.get(), &ActionService::finished);
        QSignalSpy progress(m_service.get(), &ActionService::operationChanged);
        QVERIFY(m_service->resume(entry.id));
        const auto done = waitFinished(id, finished, progress, nullptr, 180000);
        QVERIFY(done);
        QVERIFY2(done->state == OperationStatus::State::Succeeded, qPrintable(done->message));
        // Step 1 kept its original request and answer; it was not sent again.
        QCOMPARE(done->steps[0].request, entry.steps[0].request);
        QCOMPARE(done->steps[0].httpStatus, entry.steps[0].httpStatus);
        QCOMPARE(image(QStringLiteral("productservice-stable")), canaryImage);
        QCOMPARE(canaryWeight(), QStringLiteral("0"));
        QCOMPARE(replicas(QStringLiteral("productservice-canary")), QStringLiteral("0"));
        const auto after = m_journal->entry(entry.id);
        QVERIFY(after);
        QCOMPARE(toString(after->status), toString(JournalStatus::Succeeded));
        for (const ActionStep &s : after->steps)
            QVERIFY2(s.state == ActionStep::State::Succeeded, qPrintable(s.title));
    }
};

QTEST_GUILESS_MAIN(tst_Actions)
#include "tst_actions.moc"
